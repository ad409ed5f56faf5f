from enum import StrEnum


class ImportTalentTypeType0(StrEnum):
    CARRIERS = "carriers"
    PEOPLE = "people"

    def __str__(self) -> str:
        return str(self.value)
