import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.kpis_out import KpisOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    limit: int | Unset = 24,
    if_none_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    params: dict[str, Any] = {}

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    elif isinstance(from_, datetime.date):
        json_from_ = from_.isoformat()
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    elif isinstance(to, datetime.date):
        json_to = to.isoformat()
    else:
        json_to = to
    params["to"] = json_to

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/dashboard/kpis",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> KpisOut | Problem | None:
    if response.status_code == 200:
        response_200 = KpisOut.from_dict(response.json())

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
) -> Response[KpisOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    limit: int | Unset = 24,
    if_none_match: None | str | Unset = UNSET,
) -> Response[KpisOut | Problem]:
    """The funnel, intended against contracted and paid money, and their breakdowns

     Per joint innovation center, carrier, project manager, technical field and month (the institute's
    time zone). `from`/`to` count only what happened on those days (each figure by the time of its own
    event: a demand submitted, a contract signed, a payment recorded). For dashboard viewers, an
    intended investment that adds up fewer than k (`ITP_DASHBOARD_KPI_K`, default 3) confidential
    budgets is null and named in its row's `suppressed` (with enough other rows that the total cannot
    give it away). Breakdowns are capped at `limit` rows: page through one with
    `/breakdowns/{dimension}`. Answers 304 to a matching If-None-Match.

    Args:
        from_ (datetime.date | None | Unset): First day counted (inclusive), a day of the
            institute's time zone (`ITP_INSTITUTE_TIMEZONE`)
        to (datetime.date | None | Unset): Last day counted (inclusive), as `from`
        limit (int | Unset): Rows per breakdown (months: the newest) Default: 24.
        if_none_match (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[KpisOut | Problem]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        limit=limit,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    limit: int | Unset = 24,
    if_none_match: None | str | Unset = UNSET,
) -> KpisOut | Problem | None:
    """The funnel, intended against contracted and paid money, and their breakdowns

     Per joint innovation center, carrier, project manager, technical field and month (the institute's
    time zone). `from`/`to` count only what happened on those days (each figure by the time of its own
    event: a demand submitted, a contract signed, a payment recorded). For dashboard viewers, an
    intended investment that adds up fewer than k (`ITP_DASHBOARD_KPI_K`, default 3) confidential
    budgets is null and named in its row's `suppressed` (with enough other rows that the total cannot
    give it away). Breakdowns are capped at `limit` rows: page through one with
    `/breakdowns/{dimension}`. Answers 304 to a matching If-None-Match.

    Args:
        from_ (datetime.date | None | Unset): First day counted (inclusive), a day of the
            institute's time zone (`ITP_INSTITUTE_TIMEZONE`)
        to (datetime.date | None | Unset): Last day counted (inclusive), as `from`
        limit (int | Unset): Rows per breakdown (months: the newest) Default: 24.
        if_none_match (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        KpisOut | Problem
    """

    return sync_detailed(
        client=client,
        from_=from_,
        to=to,
        limit=limit,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    limit: int | Unset = 24,
    if_none_match: None | str | Unset = UNSET,
) -> Response[KpisOut | Problem]:
    """The funnel, intended against contracted and paid money, and their breakdowns

     Per joint innovation center, carrier, project manager, technical field and month (the institute's
    time zone). `from`/`to` count only what happened on those days (each figure by the time of its own
    event: a demand submitted, a contract signed, a payment recorded). For dashboard viewers, an
    intended investment that adds up fewer than k (`ITP_DASHBOARD_KPI_K`, default 3) confidential
    budgets is null and named in its row's `suppressed` (with enough other rows that the total cannot
    give it away). Breakdowns are capped at `limit` rows: page through one with
    `/breakdowns/{dimension}`. Answers 304 to a matching If-None-Match.

    Args:
        from_ (datetime.date | None | Unset): First day counted (inclusive), a day of the
            institute's time zone (`ITP_INSTITUTE_TIMEZONE`)
        to (datetime.date | None | Unset): Last day counted (inclusive), as `from`
        limit (int | Unset): Rows per breakdown (months: the newest) Default: 24.
        if_none_match (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[KpisOut | Problem]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        limit=limit,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    limit: int | Unset = 24,
    if_none_match: None | str | Unset = UNSET,
) -> KpisOut | Problem | None:
    """The funnel, intended against contracted and paid money, and their breakdowns

     Per joint innovation center, carrier, project manager, technical field and month (the institute's
    time zone). `from`/`to` count only what happened on those days (each figure by the time of its own
    event: a demand submitted, a contract signed, a payment recorded). For dashboard viewers, an
    intended investment that adds up fewer than k (`ITP_DASHBOARD_KPI_K`, default 3) confidential
    budgets is null and named in its row's `suppressed` (with enough other rows that the total cannot
    give it away). Breakdowns are capped at `limit` rows: page through one with
    `/breakdowns/{dimension}`. Answers 304 to a matching If-None-Match.

    Args:
        from_ (datetime.date | None | Unset): First day counted (inclusive), a day of the
            institute's time zone (`ITP_INSTITUTE_TIMEZONE`)
        to (datetime.date | None | Unset): Last day counted (inclusive), as `from`
        limit (int | Unset): Rows per breakdown (months: the newest) Default: 24.
        if_none_match (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        KpisOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            from_=from_,
            to=to,
            limit=limit,
            if_none_match=if_none_match,
        )
    ).parsed
