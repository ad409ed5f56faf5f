from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.import_counts import ImportCounts
    from ..models.row_problem import RowProblem


T = TypeVar("T", bound="ImportReport")


@_attrs_define
class ImportReport:
    """
    Attributes:
        carriers (ImportCounts):
        people (ImportCounts):
        problems (list[RowProblem]):
        rejected (int):
        rows (int):
    """

    carriers: ImportCounts
    people: ImportCounts
    problems: list[RowProblem]
    rejected: int
    rows: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carriers = self.carriers.to_dict()

        people = self.people.to_dict()

        problems = []
        for problems_item_data in self.problems:
            problems_item = problems_item_data.to_dict()
            problems.append(problems_item)

        rejected = self.rejected

        rows = self.rows

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carriers": carriers,
                "people": people,
                "problems": problems,
                "rejected": rejected,
                "rows": rows,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.import_counts import ImportCounts
        from ..models.row_problem import RowProblem

        d = dict(src_dict)
        carriers = ImportCounts.from_dict(d.pop("carriers"))

        people = ImportCounts.from_dict(d.pop("people"))

        problems = []
        _problems = d.pop("problems")
        for problems_item_data in _problems:
            problems_item = RowProblem.from_dict(problems_item_data)

            problems.append(problems_item)

        rejected = d.pop("rejected")

        rows = d.pop("rows")

        import_report = cls(
            carriers=carriers,
            people=people,
            problems=problems,
            rejected=rejected,
            rows=rows,
        )

        import_report.additional_properties = d
        return import_report

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
