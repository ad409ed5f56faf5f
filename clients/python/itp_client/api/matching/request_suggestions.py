from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.suggestions_out import SuggestionsOut
from ...types import Response


def _get_kwargs(
    demand_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/demands/{demand_id}/suggestions".format(
            demand_id=quote(str(demand_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SuggestionsOut | None:
    if response.status_code == 201:
        response_201 = SuggestionsOut.from_dict(response.json())

        return response_201

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

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
) -> Response[Problem | SuggestionsOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    demand_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | SuggestionsOut]:
    """Rank carriers and experts for a demand again, now (staff or the demand's enterprise)

    Args:
        demand_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SuggestionsOut]
    """

    kwargs = _get_kwargs(
        demand_id=demand_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    demand_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Problem | SuggestionsOut | None:
    """Rank carriers and experts for a demand again, now (staff or the demand's enterprise)

    Args:
        demand_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SuggestionsOut
    """

    return sync_detailed(
        demand_id=demand_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    demand_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | SuggestionsOut]:
    """Rank carriers and experts for a demand again, now (staff or the demand's enterprise)

    Args:
        demand_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SuggestionsOut]
    """

    kwargs = _get_kwargs(
        demand_id=demand_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    demand_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Problem | SuggestionsOut | None:
    """Rank carriers and experts for a demand again, now (staff or the demand's enterprise)

    Args:
        demand_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SuggestionsOut
    """

    return (
        await asyncio_detailed(
            demand_id=demand_id,
            client=client,
        )
    ).parsed
