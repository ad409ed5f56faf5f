from enum import StrEnum


class CarrierKind(StrEnum):
    INCUBATOR = "incubator"
    OVERSEAS_PLATFORM = "overseas_platform"
    RD_ENTERPRISE = "rd_enterprise"
    RESEARCH_INSTITUTE = "research_institute"
    UNIVERSITY_DOMESTIC = "university_domestic"
    UNIVERSITY_OVERSEAS = "university_overseas"

    def __str__(self) -> str:
        return str(self.value)
