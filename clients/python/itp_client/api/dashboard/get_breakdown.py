import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_breakdown_dimension import GetBreakdownDimension
from ...models.get_breakdown_format_type_0 import GetBreakdownFormatType0
from ...models.kpi_breakdown_page import KpiBreakdownPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    dimension: GetBreakdownDimension,
    *,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    format_: GetBreakdownFormatType0 | None | Unset = UNSET,
) -> dict[str, Any]:

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

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["limit"] = limit

    json_format_: None | str | Unset
    if isinstance(format_, Unset):
        json_format_ = UNSET
    elif isinstance(format_, GetBreakdownFormatType0):
        json_format_ = format_.value
    else:
        json_format_ = format_
    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/dashboard/breakdowns/{dimension}".format(
            dimension=quote(str(dimension), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> KpiBreakdownPage | Problem | None:
    if response.status_code == 200:
        response_200 = KpiBreakdownPage.from_dict(response.json())

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
) -> Response[KpiBreakdownPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    dimension: GetBreakdownDimension,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    format_: GetBreakdownFormatType0 | None | Unset = UNSET,
) -> Response[KpiBreakdownPage | Problem]:
    """One KPI breakdown, paged (busiest first; months oldest first)

     The rows of `/kpis`' breakdown of the same name, with the same `from`/`to` and the same suppression,
    paged with `cursor` and `limit`; `format=csv` (or `Accept: text/csv`) exports every row.

    Args:
        dimension (GetBreakdownDimension):
        from_ (datetime.date | None | Unset): First day counted (inclusive), a day of the
            institute's time zone (`ITP_INSTITUTE_TIMEZONE`)
        to (datetime.date | None | Unset): Last day counted (inclusive), as `from`
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.
        format_ (GetBreakdownFormatType0 | None | Unset): `csv`: the whole breakdown as CSV (UTF-8
            with BOM), as `Accept: text/csv` does

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[KpiBreakdownPage | Problem]
    """

    kwargs = _get_kwargs(
        dimension=dimension,
        from_=from_,
        to=to,
        cursor=cursor,
        limit=limit,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    dimension: GetBreakdownDimension,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    format_: GetBreakdownFormatType0 | None | Unset = UNSET,
) -> KpiBreakdownPage | Problem | None:
    """One KPI breakdown, paged (busiest first; months oldest first)

     The rows of `/kpis`' breakdown of the same name, with the same `from`/`to` and the same suppression,
    paged with `cursor` and `limit`; `format=csv` (or `Accept: text/csv`) exports every row.

    Args:
        dimension (GetBreakdownDimension):
        from_ (datetime.date | None | Unset): First day counted (inclusive), a day of the
            institute's time zone (`ITP_INSTITUTE_TIMEZONE`)
        to (datetime.date | None | Unset): Last day counted (inclusive), as `from`
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.
        format_ (GetBreakdownFormatType0 | None | Unset): `csv`: the whole breakdown as CSV (UTF-8
            with BOM), as `Accept: text/csv` does

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        KpiBreakdownPage | Problem
    """

    return sync_detailed(
        dimension=dimension,
        client=client,
        from_=from_,
        to=to,
        cursor=cursor,
        limit=limit,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    dimension: GetBreakdownDimension,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    format_: GetBreakdownFormatType0 | None | Unset = UNSET,
) -> Response[KpiBreakdownPage | Problem]:
    """One KPI breakdown, paged (busiest first; months oldest first)

     The rows of `/kpis`' breakdown of the same name, with the same `from`/`to` and the same suppression,
    paged with `cursor` and `limit`; `format=csv` (or `Accept: text/csv`) exports every row.

    Args:
        dimension (GetBreakdownDimension):
        from_ (datetime.date | None | Unset): First day counted (inclusive), a day of the
            institute's time zone (`ITP_INSTITUTE_TIMEZONE`)
        to (datetime.date | None | Unset): Last day counted (inclusive), as `from`
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.
        format_ (GetBreakdownFormatType0 | None | Unset): `csv`: the whole breakdown as CSV (UTF-8
            with BOM), as `Accept: text/csv` does

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[KpiBreakdownPage | Problem]
    """

    kwargs = _get_kwargs(
        dimension=dimension,
        from_=from_,
        to=to,
        cursor=cursor,
        limit=limit,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    dimension: GetBreakdownDimension,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    format_: GetBreakdownFormatType0 | None | Unset = UNSET,
) -> KpiBreakdownPage | Problem | None:
    """One KPI breakdown, paged (busiest first; months oldest first)

     The rows of `/kpis`' breakdown of the same name, with the same `from`/`to` and the same suppression,
    paged with `cursor` and `limit`; `format=csv` (or `Accept: text/csv`) exports every row.

    Args:
        dimension (GetBreakdownDimension):
        from_ (datetime.date | None | Unset): First day counted (inclusive), a day of the
            institute's time zone (`ITP_INSTITUTE_TIMEZONE`)
        to (datetime.date | None | Unset): Last day counted (inclusive), as `from`
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.
        format_ (GetBreakdownFormatType0 | None | Unset): `csv`: the whole breakdown as CSV (UTF-8
            with BOM), as `Accept: text/csv` does

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        KpiBreakdownPage | Problem
    """

    return (
        await asyncio_detailed(
            dimension=dimension,
            client=client,
            from_=from_,
            to=to,
            cursor=cursor,
            limit=limit,
            format_=format_,
        )
    ).parsed
