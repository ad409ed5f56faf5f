from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.carrier_kind import CarrierKind
from ...models.carrier_page import CarrierPage
from ...models.carrier_status import CarrierStatus
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    field: None | str | Unset = UNSET,
    kind: CarrierKind | None | Unset = UNSET,
    status: CarrierStatus | None | Unset = UNSET,
    country: None | str | Unset = UNSET,
    city: None | str | Unset = UNSET,
    available: bool | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_field: None | str | Unset
    if isinstance(field, Unset):
        json_field = UNSET
    else:
        json_field = field
    params["field"] = json_field

    json_kind: None | str | Unset
    if isinstance(kind, Unset):
        json_kind = UNSET
    elif isinstance(kind, CarrierKind):
        json_kind = kind.value
    else:
        json_kind = kind
    params["kind"] = json_kind

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, CarrierStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_country: None | str | Unset
    if isinstance(country, Unset):
        json_country = UNSET
    else:
        json_country = country
    params["country"] = json_country

    json_city: None | str | Unset
    if isinstance(city, Unset):
        json_city = UNSET
    else:
        json_city = city
    params["city"] = json_city

    json_available: bool | None | Unset
    if isinstance(available, Unset):
        json_available = UNSET
    else:
        json_available = available
    params["available"] = json_available

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

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
        "url": "/api/v1/carriers",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CarrierPage | Problem | None:
    if response.status_code == 200:
        response_200 = CarrierPage.from_dict(response.json())

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
) -> Response[CarrierPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    field: None | str | Unset = UNSET,
    kind: CarrierKind | None | Unset = UNSET,
    status: CarrierStatus | None | Unset = UNSET,
    country: None | str | Unset = UNSET,
    city: None | str | Unset = UNSET,
    available: bool | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[CarrierPage | Problem]:
    """List carriers, newest first

    Args:
        field (None | str | Unset):
        kind (CarrierKind | None | Unset):
        status (CarrierStatus | None | Unset):
        country (None | str | Unset):
        city (None | str | Unset):
        available (bool | None | Unset): true: below capacity; false: at or over it
        q (None | str | Unset): Chinese or English text
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CarrierPage | Problem]
    """

    kwargs = _get_kwargs(
        field=field,
        kind=kind,
        status=status,
        country=country,
        city=city,
        available=available,
        q=q,
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
    field: None | str | Unset = UNSET,
    kind: CarrierKind | None | Unset = UNSET,
    status: CarrierStatus | None | Unset = UNSET,
    country: None | str | Unset = UNSET,
    city: None | str | Unset = UNSET,
    available: bool | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> CarrierPage | Problem | None:
    """List carriers, newest first

    Args:
        field (None | str | Unset):
        kind (CarrierKind | None | Unset):
        status (CarrierStatus | None | Unset):
        country (None | str | Unset):
        city (None | str | Unset):
        available (bool | None | Unset): true: below capacity; false: at or over it
        q (None | str | Unset): Chinese or English text
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CarrierPage | Problem
    """

    return sync_detailed(
        client=client,
        field=field,
        kind=kind,
        status=status,
        country=country,
        city=city,
        available=available,
        q=q,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    field: None | str | Unset = UNSET,
    kind: CarrierKind | None | Unset = UNSET,
    status: CarrierStatus | None | Unset = UNSET,
    country: None | str | Unset = UNSET,
    city: None | str | Unset = UNSET,
    available: bool | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[CarrierPage | Problem]:
    """List carriers, newest first

    Args:
        field (None | str | Unset):
        kind (CarrierKind | None | Unset):
        status (CarrierStatus | None | Unset):
        country (None | str | Unset):
        city (None | str | Unset):
        available (bool | None | Unset): true: below capacity; false: at or over it
        q (None | str | Unset): Chinese or English text
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CarrierPage | Problem]
    """

    kwargs = _get_kwargs(
        field=field,
        kind=kind,
        status=status,
        country=country,
        city=city,
        available=available,
        q=q,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    field: None | str | Unset = UNSET,
    kind: CarrierKind | None | Unset = UNSET,
    status: CarrierStatus | None | Unset = UNSET,
    country: None | str | Unset = UNSET,
    city: None | str | Unset = UNSET,
    available: bool | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> CarrierPage | Problem | None:
    """List carriers, newest first

    Args:
        field (None | str | Unset):
        kind (CarrierKind | None | Unset):
        status (CarrierStatus | None | Unset):
        country (None | str | Unset):
        city (None | str | Unset):
        available (bool | None | Unset): true: below capacity; false: at or over it
        q (None | str | Unset): Chinese or English text
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CarrierPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            field=field,
            kind=kind,
            status=status,
            country=country,
            city=city,
            available=available,
            q=q,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
