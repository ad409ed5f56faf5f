from enum import StrEnum


class Party(StrEnum):
    CARRIER = "carrier"
    ENTERPRISE = "enterprise"

    def __str__(self) -> str:
        return str(self.value)
