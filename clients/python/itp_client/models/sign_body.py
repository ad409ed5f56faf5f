from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.party import Party
from ..types import UNSET, Unset

T = TypeVar("T", bound="SignBody")


@_attrs_define
class SignBody:
    """
    Attributes:
        party (None | Party | Unset): Which side signs; inferred for enterprise and carrier users, required for staff
        signatory (None | str | Unset): The signatory as written on the contract, e.g. 法定代表人 张伟
    """

    party: None | Party | Unset = UNSET
    signatory: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        party: None | str | Unset
        if isinstance(self.party, Unset):
            party = UNSET
        elif isinstance(self.party, Party):
            party = self.party.value
        else:
            party = self.party

        signatory: None | str | Unset
        if isinstance(self.signatory, Unset):
            signatory = UNSET
        else:
            signatory = self.signatory

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if party is not UNSET:
            field_dict["party"] = party
        if signatory is not UNSET:
            field_dict["signatory"] = signatory

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_party(data: object) -> None | Party | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                party_type_0 = Party(data)

                return party_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Party | Unset, data)

        party = _parse_party(d.pop("party", UNSET))

        def _parse_signatory(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        signatory = _parse_signatory(d.pop("signatory", UNSET))

        sign_body = cls(
            party=party,
            signatory=signatory,
        )

        return sign_body
