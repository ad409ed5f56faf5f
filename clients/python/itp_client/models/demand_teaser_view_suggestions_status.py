from enum import StrEnum


class DemandTeaserViewSuggestionsStatus(StrEnum):
    HIDDEN = "hidden"
    NONE = "none"
    PENDING = "pending"
    READY = "ready"
    UNAVAILABLE = "unavailable"

    def __str__(self) -> str:
        return str(self.value)
