from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PersonContact")


@_attrs_define
class PersonContact:
    """Personal contact data: shown only to operators, admins and the person's own carrier.

    Attributes:
        email (None | str | Unset):
        phone (None | str | Unset):
        wechat (None | str | Unset):
    """

    email: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    wechat: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        wechat: None | str | Unset
        if isinstance(self.wechat, Unset):
            wechat = UNSET
        else:
            wechat = self.wechat

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if email is not UNSET:
            field_dict["email"] = email
        if phone is not UNSET:
            field_dict["phone"] = phone
        if wechat is not UNSET:
            field_dict["wechat"] = wechat

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))

        def _parse_wechat(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        wechat = _parse_wechat(d.pop("wechat", UNSET))

        person_contact = cls(
            email=email,
            phone=phone,
            wechat=wechat,
        )

        return person_contact
