from enum import StrEnum


class ReasonCode(StrEnum):
    ALREADY_WORKING_TOGETHER = "already_working_together"
    BUDGET_MISMATCH = "budget_mismatch"
    FIELD_MISMATCH = "field_mismatch"
    NO_CAPACITY = "no_capacity"
    OTHER = "other"

    def __str__(self) -> str:
        return str(self.value)
