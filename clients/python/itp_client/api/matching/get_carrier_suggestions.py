from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.inbox_out import InboxOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    carrier_id: UUID,
    *,
    limit: int | Unset = 20,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/carriers/{carrier_id}/suggestions".format(
            carrier_id=quote(str(carrier_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> InboxOut | Problem | None:
    if response.status_code == 200:
        response_200 = InboxOut.from_dict(response.json())

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
) -> Response[InboxOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    carrier_id: UUID,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
) -> Response[InboxOut | Problem]:
    """A carrier's inbox: the open demands it is currently suggested for (staff or that carrier)

    Args:
        carrier_id (UUID):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InboxOut | Problem]
    """

    kwargs = _get_kwargs(
        carrier_id=carrier_id,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    carrier_id: UUID,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
) -> InboxOut | Problem | None:
    """A carrier's inbox: the open demands it is currently suggested for (staff or that carrier)

    Args:
        carrier_id (UUID):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InboxOut | Problem
    """

    return sync_detailed(
        carrier_id=carrier_id,
        client=client,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    carrier_id: UUID,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
) -> Response[InboxOut | Problem]:
    """A carrier's inbox: the open demands it is currently suggested for (staff or that carrier)

    Args:
        carrier_id (UUID):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InboxOut | Problem]
    """

    kwargs = _get_kwargs(
        carrier_id=carrier_id,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    carrier_id: UUID,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
) -> InboxOut | Problem | None:
    """A carrier's inbox: the open demands it is currently suggested for (staff or that carrier)

    Args:
        carrier_id (UUID):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InboxOut | Problem
    """

    return (
        await asyncio_detailed(
            carrier_id=carrier_id,
            client=client,
            limit=limit,
        )
    ).parsed
