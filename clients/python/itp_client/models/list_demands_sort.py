from enum import StrEnum


class ListDemandsSort(StrEnum):
    CREATED_AT = "created_at"
    DEADLINE = "deadline"
    VALUE_0 = "-created_at"
    VALUE_3 = "-budget"

    def __str__(self) -> str:
        return str(self.value)
