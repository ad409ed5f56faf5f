from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.center_page import CenterPage
from ...models.list_all_centers_format_type_0 import ListAllCentersFormatType0
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    format_: ListAllCentersFormatType0 | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

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
    elif isinstance(format_, ListAllCentersFormatType0):
        json_format_ = format_.value
    else:
        json_format_ = format_
    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/centers",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CenterPage | Problem | None:
    if response.status_code == 200:
        response_200 = CenterPage.from_dict(response.json())

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
) -> Response[CenterPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    format_: ListAllCentersFormatType0 | None | Unset = UNSET,
) -> Response[CenterPage | Problem]:
    """Every enterprise's joint innovation centers, newest first (staff and dashboard viewers)

     Paged with `cursor` and `limit`; `format=csv` (or `Accept: text/csv`) exports them all.

    Args:
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.
        format_ (ListAllCentersFormatType0 | None | Unset): `csv`: the whole table as CSV (UTF-8
            with BOM), as `Accept: text/csv` does

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CenterPage | Problem]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
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
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    format_: ListAllCentersFormatType0 | None | Unset = UNSET,
) -> CenterPage | Problem | None:
    """Every enterprise's joint innovation centers, newest first (staff and dashboard viewers)

     Paged with `cursor` and `limit`; `format=csv` (or `Accept: text/csv`) exports them all.

    Args:
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.
        format_ (ListAllCentersFormatType0 | None | Unset): `csv`: the whole table as CSV (UTF-8
            with BOM), as `Accept: text/csv` does

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CenterPage | Problem
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        limit=limit,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    format_: ListAllCentersFormatType0 | None | Unset = UNSET,
) -> Response[CenterPage | Problem]:
    """Every enterprise's joint innovation centers, newest first (staff and dashboard viewers)

     Paged with `cursor` and `limit`; `format=csv` (or `Accept: text/csv`) exports them all.

    Args:
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.
        format_ (ListAllCentersFormatType0 | None | Unset): `csv`: the whole table as CSV (UTF-8
            with BOM), as `Accept: text/csv` does

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CenterPage | Problem]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        limit=limit,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    format_: ListAllCentersFormatType0 | None | Unset = UNSET,
) -> CenterPage | Problem | None:
    """Every enterprise's joint innovation centers, newest first (staff and dashboard viewers)

     Paged with `cursor` and `limit`; `format=csv` (or `Accept: text/csv`) exports them all.

    Args:
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.
        format_ (ListAllCentersFormatType0 | None | Unset): `csv`: the whole table as CSV (UTF-8
            with BOM), as `Accept: text/csv` does

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CenterPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            limit=limit,
            format_=format_,
        )
    ).parsed
