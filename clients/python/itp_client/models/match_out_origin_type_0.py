from enum import StrEnum


class MatchOutOriginType0(StrEnum):
    OFFLINE = "offline"
    SUGGESTION = "suggestion"

    def __str__(self) -> str:
        return str(self.value)
