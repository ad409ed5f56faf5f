from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dashboard_recent_events_out import DashboardRecentEventsOut
from ...models.get_recent_events_format_type_0 import GetRecentEventsFormatType0
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 20,
    format_: GetRecentEventsFormatType0 | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_format_: None | str | Unset
    if isinstance(format_, Unset):
        json_format_ = UNSET
    elif isinstance(format_, GetRecentEventsFormatType0):
        json_format_ = format_.value
    else:
        json_format_ = format_
    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/dashboard/recent-events",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DashboardRecentEventsOut | Problem | None:
    if response.status_code == 200:
        response_200 = DashboardRecentEventsOut.from_dict(response.json())

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
) -> Response[DashboardRecentEventsOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    format_: GetRecentEventsFormatType0 | None | Unset = UNSET,
) -> Response[DashboardRecentEventsOut | Problem]:
    """The latest events, newest first (no data)

     Dashboard viewers get none about a demand that is not published (shared.visibility). `format=csv`
    (or `Accept: text/csv`) answers the same rows as CSV.

    Args:
        limit (int | Unset):  Default: 20.
        format_ (GetRecentEventsFormatType0 | None | Unset): `csv`: as `Accept: text/csv`

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DashboardRecentEventsOut | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    format_: GetRecentEventsFormatType0 | None | Unset = UNSET,
) -> DashboardRecentEventsOut | Problem | None:
    """The latest events, newest first (no data)

     Dashboard viewers get none about a demand that is not published (shared.visibility). `format=csv`
    (or `Accept: text/csv`) answers the same rows as CSV.

    Args:
        limit (int | Unset):  Default: 20.
        format_ (GetRecentEventsFormatType0 | None | Unset): `csv`: as `Accept: text/csv`

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DashboardRecentEventsOut | Problem
    """

    return sync_detailed(
        client=client,
        limit=limit,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    format_: GetRecentEventsFormatType0 | None | Unset = UNSET,
) -> Response[DashboardRecentEventsOut | Problem]:
    """The latest events, newest first (no data)

     Dashboard viewers get none about a demand that is not published (shared.visibility). `format=csv`
    (or `Accept: text/csv`) answers the same rows as CSV.

    Args:
        limit (int | Unset):  Default: 20.
        format_ (GetRecentEventsFormatType0 | None | Unset): `csv`: as `Accept: text/csv`

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DashboardRecentEventsOut | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    format_: GetRecentEventsFormatType0 | None | Unset = UNSET,
) -> DashboardRecentEventsOut | Problem | None:
    """The latest events, newest first (no data)

     Dashboard viewers get none about a demand that is not published (shared.visibility). `format=csv`
    (or `Accept: text/csv`) answers the same rows as CSV.

    Args:
        limit (int | Unset):  Default: 20.
        format_ (GetRecentEventsFormatType0 | None | Unset): `csv`: as `Accept: text/csv`

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DashboardRecentEventsOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            format_=format_,
        )
    ).parsed
