from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.person_page import PersonPage
from ...models.person_role import PersonRole
from ...models.person_status import PersonStatus
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    role: None | PersonRole | Unset = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    university: None | str | Unset = UNSET,
    field: None | str | Unset = UNSET,
    language: None | str | Unset = UNSET,
    status: None | PersonStatus | Unset = UNSET,
    available: bool | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_role: None | str | Unset
    if isinstance(role, Unset):
        json_role = UNSET
    elif isinstance(role, PersonRole):
        json_role = role.value
    else:
        json_role = role
    params["role"] = json_role

    json_carrier_id: None | str | Unset
    if isinstance(carrier_id, Unset):
        json_carrier_id = UNSET
    elif isinstance(carrier_id, UUID):
        json_carrier_id = str(carrier_id)
    else:
        json_carrier_id = carrier_id
    params["carrier_id"] = json_carrier_id

    json_university: None | str | Unset
    if isinstance(university, Unset):
        json_university = UNSET
    else:
        json_university = university
    params["university"] = json_university

    json_field: None | str | Unset
    if isinstance(field, Unset):
        json_field = UNSET
    else:
        json_field = field
    params["field"] = json_field

    json_language: None | str | Unset
    if isinstance(language, Unset):
        json_language = UNSET
    else:
        json_language = language
    params["language"] = json_language

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, PersonStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_available: bool | None | Unset
    if isinstance(available, Unset):
        json_available = UNSET
    else:
        json_available = available
    params["available"] = json_available

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/people",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PersonPage | Problem | None:
    if response.status_code == 200:
        response_200 = PersonPage.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 405:
        response_405 = Problem.from_dict(response.json())

        return response_405

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PersonPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    role: None | PersonRole | Unset = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    university: None | str | Unset = UNSET,
    field: None | str | Unset = UNSET,
    language: None | str | Unset = UNSET,
    status: None | PersonStatus | Unset = UNSET,
    available: bool | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[PersonPage | Problem]:
    """List people with filters, a text query and a cursor

    Args:
        role (None | PersonRole | Unset):
        carrier_id (None | Unset | UUID):
        university (None | str | Unset):
        field (None | str | Unset):
        language (None | str | Unset):
        status (None | PersonStatus | Unset):
        available (bool | None | Unset): true: has spare capacity; false: fully loaded
        q (None | str | Unset): Chinese or English text
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PersonPage | Problem]
    """

    kwargs = _get_kwargs(
        role=role,
        carrier_id=carrier_id,
        university=university,
        field=field,
        language=language,
        status=status,
        available=available,
        q=q,
        cursor=cursor,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    role: None | PersonRole | Unset = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    university: None | str | Unset = UNSET,
    field: None | str | Unset = UNSET,
    language: None | str | Unset = UNSET,
    status: None | PersonStatus | Unset = UNSET,
    available: bool | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> PersonPage | Problem | None:
    """List people with filters, a text query and a cursor

    Args:
        role (None | PersonRole | Unset):
        carrier_id (None | Unset | UUID):
        university (None | str | Unset):
        field (None | str | Unset):
        language (None | str | Unset):
        status (None | PersonStatus | Unset):
        available (bool | None | Unset): true: has spare capacity; false: fully loaded
        q (None | str | Unset): Chinese or English text
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PersonPage | Problem
    """

    return sync_detailed(
        client=client,
        role=role,
        carrier_id=carrier_id,
        university=university,
        field=field,
        language=language,
        status=status,
        available=available,
        q=q,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    role: None | PersonRole | Unset = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    university: None | str | Unset = UNSET,
    field: None | str | Unset = UNSET,
    language: None | str | Unset = UNSET,
    status: None | PersonStatus | Unset = UNSET,
    available: bool | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[PersonPage | Problem]:
    """List people with filters, a text query and a cursor

    Args:
        role (None | PersonRole | Unset):
        carrier_id (None | Unset | UUID):
        university (None | str | Unset):
        field (None | str | Unset):
        language (None | str | Unset):
        status (None | PersonStatus | Unset):
        available (bool | None | Unset): true: has spare capacity; false: fully loaded
        q (None | str | Unset): Chinese or English text
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PersonPage | Problem]
    """

    kwargs = _get_kwargs(
        role=role,
        carrier_id=carrier_id,
        university=university,
        field=field,
        language=language,
        status=status,
        available=available,
        q=q,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    role: None | PersonRole | Unset = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    university: None | str | Unset = UNSET,
    field: None | str | Unset = UNSET,
    language: None | str | Unset = UNSET,
    status: None | PersonStatus | Unset = UNSET,
    available: bool | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> PersonPage | Problem | None:
    """List people with filters, a text query and a cursor

    Args:
        role (None | PersonRole | Unset):
        carrier_id (None | Unset | UUID):
        university (None | str | Unset):
        field (None | str | Unset):
        language (None | str | Unset):
        status (None | PersonStatus | Unset):
        available (bool | None | Unset): true: has spare capacity; false: fully loaded
        q (None | str | Unset): Chinese or English text
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PersonPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            role=role,
            carrier_id=carrier_id,
            university=university,
            field=field,
            language=language,
            status=status,
            available=available,
            q=q,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
