from enum import StrEnum


class TargetType(StrEnum):
    CONTRACT = "contract"
    DEMAND = "demand"

    def __str__(self) -> str:
        return str(self.value)
