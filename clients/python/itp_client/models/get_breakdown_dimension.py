from enum import StrEnum


class GetBreakdownDimension(StrEnum):
    CARRIER = "carrier"
    CENTER = "center"
    FIELD = "field"
    MONTH = "month"
    PROJECT_MANAGER = "project_manager"
    PROVINCE = "province"

    def __str__(self) -> str:
        return str(self.value)
