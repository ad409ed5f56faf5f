from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.row_problem_errors_item import RowProblemErrorsItem


T = TypeVar("T", bound="RowProblem")


@_attrs_define
class RowProblem:
    """
    Attributes:
        key (None | str):
        line (int):
        reason (str):
        record (None | str):
        errors (list[RowProblemErrorsItem] | Unset):
    """

    key: None | str
    line: int
    reason: str
    record: None | str
    errors: list[RowProblemErrorsItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key: None | str
        key = self.key

        line = self.line

        reason = self.reason

        record: None | str
        record = self.record

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "line": line,
                "reason": reason,
                "record": record,
            }
        )
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.row_problem_errors_item import RowProblemErrorsItem

        d = dict(src_dict)

        def _parse_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key = _parse_key(d.pop("key"))

        line = d.pop("line")

        reason = d.pop("reason")

        def _parse_record(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        record = _parse_record(d.pop("record"))

        _errors = d.pop("errors", UNSET)
        errors: list[RowProblemErrorsItem] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = RowProblemErrorsItem.from_dict(errors_item_data)

                errors.append(errors_item)

        row_problem = cls(
            key=key,
            line=line,
            reason=reason,
            record=record,
            errors=errors,
        )

        row_problem.additional_properties = d
        return row_problem

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
