from enum import StrEnum


class ListTraineesProgrammeType0(StrEnum):
    GRADUATE_STUDENT = "graduate_student"
    POSTDOC = "postdoc"

    def __str__(self) -> str:
        return str(self.value)
