from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_contract_totals_by import GetContractTotalsBy
from ...models.problem import Problem
from ...models.totals_out import TotalsOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    by: GetContractTotalsBy,
    month_from: None | str | Unset = UNSET,
    month_to: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_by = by.value
    params["by"] = json_by

    json_month_from: None | str | Unset
    if isinstance(month_from, Unset):
        json_month_from = UNSET
    else:
        json_month_from = month_from
    params["month_from"] = json_month_from

    json_month_to: None | str | Unset
    if isinstance(month_to, Unset):
        json_month_to = UNSET
    else:
        json_month_to = month_to
    params["month_to"] = json_month_to

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
        "url": "/api/v1/contracts/totals",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | TotalsOut | None:
    if response.status_code == 200:
        response_200 = TotalsOut.from_dict(response.json())

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
) -> Response[Problem | TotalsOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    by: GetContractTotalsBy,
    month_from: None | str | Unset = UNSET,
    month_to: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[Problem | TotalsOut]:
    """Value signed, paid, outstanding and cancelled per carrier, center, project manager or month

    Args:
        by (GetContractTotalsBy):
        month_from (None | str | Unset): YYYY-MM (China time)
        month_to (None | str | Unset): YYYY-MM (China time)
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TotalsOut]
    """

    kwargs = _get_kwargs(
        by=by,
        month_from=month_from,
        month_to=month_to,
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
    by: GetContractTotalsBy,
    month_from: None | str | Unset = UNSET,
    month_to: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Problem | TotalsOut | None:
    """Value signed, paid, outstanding and cancelled per carrier, center, project manager or month

    Args:
        by (GetContractTotalsBy):
        month_from (None | str | Unset): YYYY-MM (China time)
        month_to (None | str | Unset): YYYY-MM (China time)
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TotalsOut
    """

    return sync_detailed(
        client=client,
        by=by,
        month_from=month_from,
        month_to=month_to,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    by: GetContractTotalsBy,
    month_from: None | str | Unset = UNSET,
    month_to: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[Problem | TotalsOut]:
    """Value signed, paid, outstanding and cancelled per carrier, center, project manager or month

    Args:
        by (GetContractTotalsBy):
        month_from (None | str | Unset): YYYY-MM (China time)
        month_to (None | str | Unset): YYYY-MM (China time)
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TotalsOut]
    """

    kwargs = _get_kwargs(
        by=by,
        month_from=month_from,
        month_to=month_to,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    by: GetContractTotalsBy,
    month_from: None | str | Unset = UNSET,
    month_to: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Problem | TotalsOut | None:
    """Value signed, paid, outstanding and cancelled per carrier, center, project manager or month

    Args:
        by (GetContractTotalsBy):
        month_from (None | str | Unset): YYYY-MM (China time)
        month_to (None | str | Unset): YYYY-MM (China time)
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TotalsOut
    """

    return (
        await asyncio_detailed(
            client=client,
            by=by,
            month_from=month_from,
            month_to=month_to,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
