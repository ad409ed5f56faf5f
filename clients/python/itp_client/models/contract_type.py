from enum import StrEnum


class ContractType(StrEnum):
    TECHNOLOGY_CONSULTING = "technology_consulting"
    TECHNOLOGY_DEVELOPMENT = "technology_development"
    TECHNOLOGY_SERVICE = "technology_service"
    TECHNOLOGY_TRANSFER = "technology_transfer"

    def __str__(self) -> str:
        return str(self.value)
