from enum import StrEnum


class CarrierStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"
    SUSPENDED = "suspended"

    def __str__(self) -> str:
        return str(self.value)
