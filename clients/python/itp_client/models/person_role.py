from enum import StrEnum


class PersonRole(StrEnum):
    GRADUATE_STUDENT = "graduate_student"
    JITRI_RESEARCHER = "jitri_researcher"
    POSTDOC = "postdoc"
    PROJECT_MANAGER = "project_manager"
    RESEARCHER = "researcher"
    STRATEGIC_SCIENTIST = "strategic_scientist"

    def __str__(self) -> str:
        return str(self.value)
