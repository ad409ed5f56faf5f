from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.list_trainees_programme_type_0 import ListTraineesProgrammeType0
from ...models.problem import Problem
from ...models.trainee_page import TraineePage
from ...models.trainee_status import TraineeStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: None | TraineeStatus | Unset = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    person_id: None | Unset | UUID = UNSET,
    supervisor_id: None | Unset | UUID = UNSET,
    university: None | str | Unset = UNSET,
    programme: ListTraineesProgrammeType0 | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, TraineeStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_carrier_id: None | str | Unset
    if isinstance(carrier_id, Unset):
        json_carrier_id = UNSET
    elif isinstance(carrier_id, UUID):
        json_carrier_id = str(carrier_id)
    else:
        json_carrier_id = carrier_id
    params["carrier_id"] = json_carrier_id

    json_person_id: None | str | Unset
    if isinstance(person_id, Unset):
        json_person_id = UNSET
    elif isinstance(person_id, UUID):
        json_person_id = str(person_id)
    else:
        json_person_id = person_id
    params["person_id"] = json_person_id

    json_supervisor_id: None | str | Unset
    if isinstance(supervisor_id, Unset):
        json_supervisor_id = UNSET
    elif isinstance(supervisor_id, UUID):
        json_supervisor_id = str(supervisor_id)
    else:
        json_supervisor_id = supervisor_id
    params["supervisor_id"] = json_supervisor_id

    json_university: None | str | Unset
    if isinstance(university, Unset):
        json_university = UNSET
    else:
        json_university = university
    params["university"] = json_university

    json_programme: None | str | Unset
    if isinstance(programme, Unset):
        json_programme = UNSET
    elif isinstance(programme, ListTraineesProgrammeType0):
        json_programme = programme.value
    else:
        json_programme = programme
    params["programme"] = json_programme

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
        "url": "/api/v1/trainees",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | TraineePage | None:
    if response.status_code == 200:
        response_200 = TraineePage.from_dict(response.json())

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
) -> Response[Problem | TraineePage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: None | TraineeStatus | Unset = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    person_id: None | Unset | UUID = UNSET,
    supervisor_id: None | Unset | UUID = UNSET,
    university: None | str | Unset = UNSET,
    programme: ListTraineesProgrammeType0 | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[Problem | TraineePage]:
    """List joint-training enrolments, newest first

    Args:
        status (None | TraineeStatus | Unset):
        carrier_id (None | Unset | UUID):
        person_id (None | Unset | UUID):
        supervisor_id (None | Unset | UUID):
        university (None | str | Unset):
        programme (ListTraineesProgrammeType0 | None | Unset):
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TraineePage]
    """

    kwargs = _get_kwargs(
        status=status,
        carrier_id=carrier_id,
        person_id=person_id,
        supervisor_id=supervisor_id,
        university=university,
        programme=programme,
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
    status: None | TraineeStatus | Unset = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    person_id: None | Unset | UUID = UNSET,
    supervisor_id: None | Unset | UUID = UNSET,
    university: None | str | Unset = UNSET,
    programme: ListTraineesProgrammeType0 | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Problem | TraineePage | None:
    """List joint-training enrolments, newest first

    Args:
        status (None | TraineeStatus | Unset):
        carrier_id (None | Unset | UUID):
        person_id (None | Unset | UUID):
        supervisor_id (None | Unset | UUID):
        university (None | str | Unset):
        programme (ListTraineesProgrammeType0 | None | Unset):
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TraineePage
    """

    return sync_detailed(
        client=client,
        status=status,
        carrier_id=carrier_id,
        person_id=person_id,
        supervisor_id=supervisor_id,
        university=university,
        programme=programme,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: None | TraineeStatus | Unset = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    person_id: None | Unset | UUID = UNSET,
    supervisor_id: None | Unset | UUID = UNSET,
    university: None | str | Unset = UNSET,
    programme: ListTraineesProgrammeType0 | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[Problem | TraineePage]:
    """List joint-training enrolments, newest first

    Args:
        status (None | TraineeStatus | Unset):
        carrier_id (None | Unset | UUID):
        person_id (None | Unset | UUID):
        supervisor_id (None | Unset | UUID):
        university (None | str | Unset):
        programme (ListTraineesProgrammeType0 | None | Unset):
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TraineePage]
    """

    kwargs = _get_kwargs(
        status=status,
        carrier_id=carrier_id,
        person_id=person_id,
        supervisor_id=supervisor_id,
        university=university,
        programme=programme,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    status: None | TraineeStatus | Unset = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    person_id: None | Unset | UUID = UNSET,
    supervisor_id: None | Unset | UUID = UNSET,
    university: None | str | Unset = UNSET,
    programme: ListTraineesProgrammeType0 | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Problem | TraineePage | None:
    """List joint-training enrolments, newest first

    Args:
        status (None | TraineeStatus | Unset):
        carrier_id (None | Unset | UUID):
        person_id (None | Unset | UUID):
        supervisor_id (None | Unset | UUID):
        university (None | str | Unset):
        programme (ListTraineesProgrammeType0 | None | Unset):
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TraineePage
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
            carrier_id=carrier_id,
            person_id=person_id,
            supervisor_id=supervisor_id,
            university=university,
            programme=programme,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
