from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.assignment_page import AssignmentPage
from ...models.list_assignments_status_type_0 import ListAssignmentsStatusType0
from ...models.problem import Problem
from ...models.target_type import TargetType
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    person_id: None | Unset | UUID = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    target_type: None | TargetType | Unset = UNSET,
    target_id: None | Unset | UUID = UNSET,
    status: ListAssignmentsStatusType0 | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_person_id: None | str | Unset
    if isinstance(person_id, Unset):
        json_person_id = UNSET
    elif isinstance(person_id, UUID):
        json_person_id = str(person_id)
    else:
        json_person_id = person_id
    params["person_id"] = json_person_id

    json_carrier_id: None | str | Unset
    if isinstance(carrier_id, Unset):
        json_carrier_id = UNSET
    elif isinstance(carrier_id, UUID):
        json_carrier_id = str(carrier_id)
    else:
        json_carrier_id = carrier_id
    params["carrier_id"] = json_carrier_id

    json_target_type: None | str | Unset
    if isinstance(target_type, Unset):
        json_target_type = UNSET
    elif isinstance(target_type, TargetType):
        json_target_type = target_type.value
    else:
        json_target_type = target_type
    params["target_type"] = json_target_type

    json_target_id: None | str | Unset
    if isinstance(target_id, Unset):
        json_target_id = UNSET
    elif isinstance(target_id, UUID):
        json_target_id = str(target_id)
    else:
        json_target_id = target_id
    params["target_id"] = json_target_id

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ListAssignmentsStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

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
        "url": "/api/v1/assignments",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AssignmentPage | Problem | None:
    if response.status_code == 200:
        response_200 = AssignmentPage.from_dict(response.json())

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
) -> Response[AssignmentPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    person_id: None | Unset | UUID = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    target_type: None | TargetType | Unset = UNSET,
    target_id: None | Unset | UUID = UNSET,
    status: ListAssignmentsStatusType0 | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[AssignmentPage | Problem]:
    """List assignments, newest first

     Staff read every assignment; a carrier user its own carrier's (its researchers' and the carrier's);
    anyone else is refused (403).

    Args:
        person_id (None | Unset | UUID):
        carrier_id (None | Unset | UUID):
        target_type (None | TargetType | Unset):
        target_id (None | Unset | UUID):
        status (ListAssignmentsStatusType0 | None | Unset):
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AssignmentPage | Problem]
    """

    kwargs = _get_kwargs(
        person_id=person_id,
        carrier_id=carrier_id,
        target_type=target_type,
        target_id=target_id,
        status=status,
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
    person_id: None | Unset | UUID = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    target_type: None | TargetType | Unset = UNSET,
    target_id: None | Unset | UUID = UNSET,
    status: ListAssignmentsStatusType0 | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> AssignmentPage | Problem | None:
    """List assignments, newest first

     Staff read every assignment; a carrier user its own carrier's (its researchers' and the carrier's);
    anyone else is refused (403).

    Args:
        person_id (None | Unset | UUID):
        carrier_id (None | Unset | UUID):
        target_type (None | TargetType | Unset):
        target_id (None | Unset | UUID):
        status (ListAssignmentsStatusType0 | None | Unset):
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AssignmentPage | Problem
    """

    return sync_detailed(
        client=client,
        person_id=person_id,
        carrier_id=carrier_id,
        target_type=target_type,
        target_id=target_id,
        status=status,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    person_id: None | Unset | UUID = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    target_type: None | TargetType | Unset = UNSET,
    target_id: None | Unset | UUID = UNSET,
    status: ListAssignmentsStatusType0 | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[AssignmentPage | Problem]:
    """List assignments, newest first

     Staff read every assignment; a carrier user its own carrier's (its researchers' and the carrier's);
    anyone else is refused (403).

    Args:
        person_id (None | Unset | UUID):
        carrier_id (None | Unset | UUID):
        target_type (None | TargetType | Unset):
        target_id (None | Unset | UUID):
        status (ListAssignmentsStatusType0 | None | Unset):
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AssignmentPage | Problem]
    """

    kwargs = _get_kwargs(
        person_id=person_id,
        carrier_id=carrier_id,
        target_type=target_type,
        target_id=target_id,
        status=status,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    person_id: None | Unset | UUID = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    target_type: None | TargetType | Unset = UNSET,
    target_id: None | Unset | UUID = UNSET,
    status: ListAssignmentsStatusType0 | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> AssignmentPage | Problem | None:
    """List assignments, newest first

     Staff read every assignment; a carrier user its own carrier's (its researchers' and the carrier's);
    anyone else is refused (403).

    Args:
        person_id (None | Unset | UUID):
        carrier_id (None | Unset | UUID):
        target_type (None | TargetType | Unset):
        target_id (None | Unset | UUID):
        status (ListAssignmentsStatusType0 | None | Unset):
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AssignmentPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            person_id=person_id,
            carrier_id=carrier_id,
            target_type=target_type,
            target_id=target_id,
            status=status,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
