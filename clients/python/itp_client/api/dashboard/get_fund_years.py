import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_fund_years_format_type_0 import GetFundYearsFormatType0
from ...models.kpi_fund_years import KpiFundYears
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    format_: GetFundYearsFormatType0 | None | Unset = UNSET,
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

    json_format_: None | str | Unset
    if isinstance(format_, Unset):
        json_format_ = UNSET
    elif isinstance(format_, GetFundYearsFormatType0):
        json_format_ = format_.value
    else:
        json_format_ = format_
    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/dashboard/funds",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> KpiFundYears | Problem | None:
    if response.status_code == 200:
        response_200 = KpiFundYears.from_dict(response.json())

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
) -> Response[KpiFundYears | Problem]:
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
    format_: GetFundYearsFormatType0 | None | Unset = UNSET,
) -> Response[KpiFundYears | Problem]:
    """The funds the institute backs, per year: established, capital, social capital leveraged, invested

     Each figure in the year (the institute's calendar) of its own event: a fund established, an
    investment made; `from`/`to` as in `/kpis`. The sum of the rows is `/kpis`' `funds`. `format=csv`
    (or `Accept: text/csv`) answers the same rows as CSV.

    Args:
        from_ (datetime.date | None | Unset): First day counted (inclusive), a day of the
            institute's time zone (`ITP_INSTITUTE_TIMEZONE`)
        to (datetime.date | None | Unset): Last day counted (inclusive), as `from`
        format_ (GetFundYearsFormatType0 | None | Unset): `csv`: as `Accept: text/csv`

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[KpiFundYears | Problem]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        format_=format_,
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
    format_: GetFundYearsFormatType0 | None | Unset = UNSET,
) -> KpiFundYears | Problem | None:
    """The funds the institute backs, per year: established, capital, social capital leveraged, invested

     Each figure in the year (the institute's calendar) of its own event: a fund established, an
    investment made; `from`/`to` as in `/kpis`. The sum of the rows is `/kpis`' `funds`. `format=csv`
    (or `Accept: text/csv`) answers the same rows as CSV.

    Args:
        from_ (datetime.date | None | Unset): First day counted (inclusive), a day of the
            institute's time zone (`ITP_INSTITUTE_TIMEZONE`)
        to (datetime.date | None | Unset): Last day counted (inclusive), as `from`
        format_ (GetFundYearsFormatType0 | None | Unset): `csv`: as `Accept: text/csv`

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        KpiFundYears | Problem
    """

    return sync_detailed(
        client=client,
        from_=from_,
        to=to,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    format_: GetFundYearsFormatType0 | None | Unset = UNSET,
) -> Response[KpiFundYears | Problem]:
    """The funds the institute backs, per year: established, capital, social capital leveraged, invested

     Each figure in the year (the institute's calendar) of its own event: a fund established, an
    investment made; `from`/`to` as in `/kpis`. The sum of the rows is `/kpis`' `funds`. `format=csv`
    (or `Accept: text/csv`) answers the same rows as CSV.

    Args:
        from_ (datetime.date | None | Unset): First day counted (inclusive), a day of the
            institute's time zone (`ITP_INSTITUTE_TIMEZONE`)
        to (datetime.date | None | Unset): Last day counted (inclusive), as `from`
        format_ (GetFundYearsFormatType0 | None | Unset): `csv`: as `Accept: text/csv`

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[KpiFundYears | Problem]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    format_: GetFundYearsFormatType0 | None | Unset = UNSET,
) -> KpiFundYears | Problem | None:
    """The funds the institute backs, per year: established, capital, social capital leveraged, invested

     Each figure in the year (the institute's calendar) of its own event: a fund established, an
    investment made; `from`/`to` as in `/kpis`. The sum of the rows is `/kpis`' `funds`. `format=csv`
    (or `Accept: text/csv`) answers the same rows as CSV.

    Args:
        from_ (datetime.date | None | Unset): First day counted (inclusive), a day of the
            institute's time zone (`ITP_INSTITUTE_TIMEZONE`)
        to (datetime.date | None | Unset): Last day counted (inclusive), as `from`
        format_ (GetFundYearsFormatType0 | None | Unset): `csv`: as `Accept: text/csv`

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        KpiFundYears | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            from_=from_,
            to=to,
            format_=format_,
        )
    ).parsed
