from enum import StrEnum


class IpOwnership(StrEnum):
    CARRIER = "carrier"
    ENTERPRISE = "enterprise"
    JOINT = "joint"

    def __str__(self) -> str:
        return str(self.value)
