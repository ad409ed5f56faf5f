from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.suggestions_out import SuggestionsOut
from ...models.suggestions_pending import SuggestionsPending
from ...types import UNSET, Response, Unset


def _get_kwargs(
    demand_id: UUID,
    *,
    limit: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_limit: int | None | Unset
    if isinstance(limit, Unset):
        json_limit = UNSET
    else:
        json_limit = limit
    params["limit"] = json_limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/demands/{demand_id}/suggestions".format(
            demand_id=quote(str(demand_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SuggestionsOut | SuggestionsPending | None:
    if response.status_code == 200:
        response_200 = SuggestionsOut.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = SuggestionsPending.from_dict(response.json())

        return response_202

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
) -> Response[Problem | SuggestionsOut | SuggestionsPending]:
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
    limit: int | None | Unset = UNSET,
) -> Response[Problem | SuggestionsOut | SuggestionsPending]:
    """The latest ranked carriers and experts for a demand (202 while matching has not processed it yet)

     Matching's answer; when matching does not know the demand (404), the demand service says
    whether the caller may see it: then it is pending (202), else matching's 404 stands.

    Args:
        demand_id (UUID):
        limit (int | None | Unset): At most this many carriers and this many experts

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SuggestionsOut | SuggestionsPending]
    """

    kwargs = _get_kwargs(
        demand_id=demand_id,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    demand_id: UUID,
    *,
    client: AuthenticatedClient,
    limit: int | None | Unset = UNSET,
) -> Problem | SuggestionsOut | SuggestionsPending | None:
    """The latest ranked carriers and experts for a demand (202 while matching has not processed it yet)

     Matching's answer; when matching does not know the demand (404), the demand service says
    whether the caller may see it: then it is pending (202), else matching's 404 stands.

    Args:
        demand_id (UUID):
        limit (int | None | Unset): At most this many carriers and this many experts

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SuggestionsOut | SuggestionsPending
    """

    return sync_detailed(
        demand_id=demand_id,
        client=client,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    demand_id: UUID,
    *,
    client: AuthenticatedClient,
    limit: int | None | Unset = UNSET,
) -> Response[Problem | SuggestionsOut | SuggestionsPending]:
    """The latest ranked carriers and experts for a demand (202 while matching has not processed it yet)

     Matching's answer; when matching does not know the demand (404), the demand service says
    whether the caller may see it: then it is pending (202), else matching's 404 stands.

    Args:
        demand_id (UUID):
        limit (int | None | Unset): At most this many carriers and this many experts

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SuggestionsOut | SuggestionsPending]
    """

    kwargs = _get_kwargs(
        demand_id=demand_id,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    demand_id: UUID,
    *,
    client: AuthenticatedClient,
    limit: int | None | Unset = UNSET,
) -> Problem | SuggestionsOut | SuggestionsPending | None:
    """The latest ranked carriers and experts for a demand (202 while matching has not processed it yet)

     Matching's answer; when matching does not know the demand (404), the demand service says
    whether the caller may see it: then it is pending (202), else matching's 404 stands.

    Args:
        demand_id (UUID):
        limit (int | None | Unset): At most this many carriers and this many experts

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SuggestionsOut | SuggestionsPending
    """

    return (
        await asyncio_detailed(
            demand_id=demand_id,
            client=client,
            limit=limit,
        )
    ).parsed
