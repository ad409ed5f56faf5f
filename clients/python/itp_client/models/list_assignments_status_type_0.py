from enum import StrEnum


class ListAssignmentsStatusType0(StrEnum):
    ACTIVE = "active"
    RELEASED = "released"

    def __str__(self) -> str:
        return str(self.value)
