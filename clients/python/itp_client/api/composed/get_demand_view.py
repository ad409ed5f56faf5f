from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.demand_teaser_view import DemandTeaserView
from ...models.demand_view import DemandView
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    demand_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/demands/{demand_id}".format(
            demand_id=quote(str(demand_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DemandTeaserView | DemandView | Problem | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> DemandTeaserView | DemandView:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = DemandView.from_dict(data)

                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_200_type_1 = DemandTeaserView.from_dict(data)

            return response_200_type_1

        response_200 = _parse_response_200(response.json())

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
) -> Response[DemandTeaserView | DemandView | Problem]:
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
) -> Response[DemandTeaserView | DemandView | Problem]:
    """A demand with its suggestions, its contract and the people assigned

    Args:
        demand_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DemandTeaserView | DemandView | Problem]
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
) -> DemandTeaserView | DemandView | Problem | None:
    """A demand with its suggestions, its contract and the people assigned

    Args:
        demand_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DemandTeaserView | DemandView | Problem
    """

    return sync_detailed(
        demand_id=demand_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    demand_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[DemandTeaserView | DemandView | Problem]:
    """A demand with its suggestions, its contract and the people assigned

    Args:
        demand_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DemandTeaserView | DemandView | Problem]
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
) -> DemandTeaserView | DemandView | Problem | None:
    """A demand with its suggestions, its contract and the people assigned

    Args:
        demand_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DemandTeaserView | DemandView | Problem
    """

    return (
        await asyncio_detailed(
            demand_id=demand_id,
            client=client,
        )
    ).parsed
