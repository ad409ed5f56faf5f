import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.demand_page import DemandPage
from ...models.list_demands_sort import ListDemandsSort
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: list[str] | None | Unset = UNSET,
    field: None | str | Unset = UNSET,
    province: None | str | Unset = UNSET,
    city: None | str | Unset = UNSET,
    enterprise_id: None | Unset | UUID = UNSET,
    center_id: None | Unset | UUID = UNSET,
    budget_min: None | str | Unset = UNSET,
    budget_max: None | str | Unset = UNSET,
    deadline_from: datetime.datetime | None | Unset = UNSET,
    deadline_to: datetime.datetime | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    sort: ListDemandsSort | Unset = ListDemandsSort.VALUE_0,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: list[str] | None | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, list):
        json_status = status

    else:
        json_status = status
    params["status"] = json_status

    json_field: None | str | Unset
    if isinstance(field, Unset):
        json_field = UNSET
    else:
        json_field = field
    params["field"] = json_field

    json_province: None | str | Unset
    if isinstance(province, Unset):
        json_province = UNSET
    else:
        json_province = province
    params["province"] = json_province

    json_city: None | str | Unset
    if isinstance(city, Unset):
        json_city = UNSET
    else:
        json_city = city
    params["city"] = json_city

    json_enterprise_id: None | str | Unset
    if isinstance(enterprise_id, Unset):
        json_enterprise_id = UNSET
    elif isinstance(enterprise_id, UUID):
        json_enterprise_id = str(enterprise_id)
    else:
        json_enterprise_id = enterprise_id
    params["enterprise_id"] = json_enterprise_id

    json_center_id: None | str | Unset
    if isinstance(center_id, Unset):
        json_center_id = UNSET
    elif isinstance(center_id, UUID):
        json_center_id = str(center_id)
    else:
        json_center_id = center_id
    params["center_id"] = json_center_id

    json_budget_min: None | str | Unset
    if isinstance(budget_min, Unset):
        json_budget_min = UNSET
    else:
        json_budget_min = budget_min
    params["budget_min"] = json_budget_min

    json_budget_max: None | str | Unset
    if isinstance(budget_max, Unset):
        json_budget_max = UNSET
    else:
        json_budget_max = budget_max
    params["budget_max"] = json_budget_max

    json_deadline_from: None | str | Unset
    if isinstance(deadline_from, Unset):
        json_deadline_from = UNSET
    elif isinstance(deadline_from, datetime.datetime):
        json_deadline_from = deadline_from.isoformat()
    else:
        json_deadline_from = deadline_from
    params["deadline_from"] = json_deadline_from

    json_deadline_to: None | str | Unset
    if isinstance(deadline_to, Unset):
        json_deadline_to = UNSET
    elif isinstance(deadline_to, datetime.datetime):
        json_deadline_to = deadline_to.isoformat()
    else:
        json_deadline_to = deadline_to
    params["deadline_to"] = json_deadline_to

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort.value

    params["sort"] = json_sort

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
        "url": "/api/v1/demands",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DemandPage | Problem | None:
    if response.status_code == 200:
        response_200 = DemandPage.from_dict(response.json())

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
) -> Response[DemandPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: list[str] | None | Unset = UNSET,
    field: None | str | Unset = UNSET,
    province: None | str | Unset = UNSET,
    city: None | str | Unset = UNSET,
    enterprise_id: None | Unset | UUID = UNSET,
    center_id: None | Unset | UUID = UNSET,
    budget_min: None | str | Unset = UNSET,
    budget_max: None | str | Unset = UNSET,
    deadline_from: datetime.datetime | None | Unset = UNSET,
    deadline_to: datetime.datetime | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    sort: ListDemandsSort | Unset = ListDemandsSort.VALUE_0,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[DemandPage | Problem]:
    """List demands with filters, a text query and a cursor

    Args:
        status (list[str] | None | Unset):
        field (None | str | Unset):
        province (None | str | Unset):
        city (None | str | Unset):
        enterprise_id (None | Unset | UUID):
        center_id (None | Unset | UUID):
        budget_min (None | str | Unset):
        budget_max (None | str | Unset):
        deadline_from (datetime.datetime | None | Unset):
        deadline_to (datetime.datetime | None | Unset):
        q (None | str | Unset): Chinese or English text
        sort (ListDemandsSort | Unset):  Default: ListDemandsSort.VALUE_0.
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DemandPage | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        field=field,
        province=province,
        city=city,
        enterprise_id=enterprise_id,
        center_id=center_id,
        budget_min=budget_min,
        budget_max=budget_max,
        deadline_from=deadline_from,
        deadline_to=deadline_to,
        q=q,
        sort=sort,
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
    status: list[str] | None | Unset = UNSET,
    field: None | str | Unset = UNSET,
    province: None | str | Unset = UNSET,
    city: None | str | Unset = UNSET,
    enterprise_id: None | Unset | UUID = UNSET,
    center_id: None | Unset | UUID = UNSET,
    budget_min: None | str | Unset = UNSET,
    budget_max: None | str | Unset = UNSET,
    deadline_from: datetime.datetime | None | Unset = UNSET,
    deadline_to: datetime.datetime | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    sort: ListDemandsSort | Unset = ListDemandsSort.VALUE_0,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> DemandPage | Problem | None:
    """List demands with filters, a text query and a cursor

    Args:
        status (list[str] | None | Unset):
        field (None | str | Unset):
        province (None | str | Unset):
        city (None | str | Unset):
        enterprise_id (None | Unset | UUID):
        center_id (None | Unset | UUID):
        budget_min (None | str | Unset):
        budget_max (None | str | Unset):
        deadline_from (datetime.datetime | None | Unset):
        deadline_to (datetime.datetime | None | Unset):
        q (None | str | Unset): Chinese or English text
        sort (ListDemandsSort | Unset):  Default: ListDemandsSort.VALUE_0.
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DemandPage | Problem
    """

    return sync_detailed(
        client=client,
        status=status,
        field=field,
        province=province,
        city=city,
        enterprise_id=enterprise_id,
        center_id=center_id,
        budget_min=budget_min,
        budget_max=budget_max,
        deadline_from=deadline_from,
        deadline_to=deadline_to,
        q=q,
        sort=sort,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: list[str] | None | Unset = UNSET,
    field: None | str | Unset = UNSET,
    province: None | str | Unset = UNSET,
    city: None | str | Unset = UNSET,
    enterprise_id: None | Unset | UUID = UNSET,
    center_id: None | Unset | UUID = UNSET,
    budget_min: None | str | Unset = UNSET,
    budget_max: None | str | Unset = UNSET,
    deadline_from: datetime.datetime | None | Unset = UNSET,
    deadline_to: datetime.datetime | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    sort: ListDemandsSort | Unset = ListDemandsSort.VALUE_0,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[DemandPage | Problem]:
    """List demands with filters, a text query and a cursor

    Args:
        status (list[str] | None | Unset):
        field (None | str | Unset):
        province (None | str | Unset):
        city (None | str | Unset):
        enterprise_id (None | Unset | UUID):
        center_id (None | Unset | UUID):
        budget_min (None | str | Unset):
        budget_max (None | str | Unset):
        deadline_from (datetime.datetime | None | Unset):
        deadline_to (datetime.datetime | None | Unset):
        q (None | str | Unset): Chinese or English text
        sort (ListDemandsSort | Unset):  Default: ListDemandsSort.VALUE_0.
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DemandPage | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        field=field,
        province=province,
        city=city,
        enterprise_id=enterprise_id,
        center_id=center_id,
        budget_min=budget_min,
        budget_max=budget_max,
        deadline_from=deadline_from,
        deadline_to=deadline_to,
        q=q,
        sort=sort,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    status: list[str] | None | Unset = UNSET,
    field: None | str | Unset = UNSET,
    province: None | str | Unset = UNSET,
    city: None | str | Unset = UNSET,
    enterprise_id: None | Unset | UUID = UNSET,
    center_id: None | Unset | UUID = UNSET,
    budget_min: None | str | Unset = UNSET,
    budget_max: None | str | Unset = UNSET,
    deadline_from: datetime.datetime | None | Unset = UNSET,
    deadline_to: datetime.datetime | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    sort: ListDemandsSort | Unset = ListDemandsSort.VALUE_0,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> DemandPage | Problem | None:
    """List demands with filters, a text query and a cursor

    Args:
        status (list[str] | None | Unset):
        field (None | str | Unset):
        province (None | str | Unset):
        city (None | str | Unset):
        enterprise_id (None | Unset | UUID):
        center_id (None | Unset | UUID):
        budget_min (None | str | Unset):
        budget_max (None | str | Unset):
        deadline_from (datetime.datetime | None | Unset):
        deadline_to (datetime.datetime | None | Unset):
        q (None | str | Unset): Chinese or English text
        sort (ListDemandsSort | Unset):  Default: ListDemandsSort.VALUE_0.
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DemandPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
            field=field,
            province=province,
            city=city,
            enterprise_id=enterprise_id,
            center_id=center_id,
            budget_min=budget_min,
            budget_max=budget_max,
            deadline_from=deadline_from,
            deadline_to=deadline_to,
            q=q,
            sort=sort,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
