from enum import StrEnum


class GetContractTotalsBy(StrEnum):
    CARRIER = "carrier"
    CENTER = "center"
    MONTH = "month"
    PROJECT_MANAGER = "project_manager"

    def __str__(self) -> str:
        return str(self.value)
