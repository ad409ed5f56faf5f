from enum import StrEnum


class TraineeStatus(StrEnum):
    ENROLLED = "enrolled"
    GRADUATED = "graduated"
    ON_PLACEMENT = "on_placement"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
