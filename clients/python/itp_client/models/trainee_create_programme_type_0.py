from enum import StrEnum


class TraineeCreateProgrammeType0(StrEnum):
    GRADUATE_STUDENT = "graduate_student"
    POSTDOC = "postdoc"

    def __str__(self) -> str:
        return str(self.value)
