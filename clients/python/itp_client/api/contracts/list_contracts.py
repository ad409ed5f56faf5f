import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.contract_page import ContractPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    enterprise_id: None | Unset | UUID = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    project_manager_id: None | Unset | UUID = UNSET,
    center_id: None | Unset | UUID = UNSET,
    demand_id: None | Unset | UUID = UNSET,
    match_id: None | Unset | UUID = UNSET,
    status: list[str] | None | Unset = UNSET,
    contract_type: None | str | Unset = UNSET,
    signed_from: datetime.date | None | Unset = UNSET,
    signed_to: datetime.date | None | Unset = UNSET,
    created_from: datetime.date | None | Unset = UNSET,
    created_to: datetime.date | None | Unset = UNSET,
    active_on: datetime.date | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_enterprise_id: None | str | Unset
    if isinstance(enterprise_id, Unset):
        json_enterprise_id = UNSET
    elif isinstance(enterprise_id, UUID):
        json_enterprise_id = str(enterprise_id)
    else:
        json_enterprise_id = enterprise_id
    params["enterprise_id"] = json_enterprise_id

    json_carrier_id: None | str | Unset
    if isinstance(carrier_id, Unset):
        json_carrier_id = UNSET
    elif isinstance(carrier_id, UUID):
        json_carrier_id = str(carrier_id)
    else:
        json_carrier_id = carrier_id
    params["carrier_id"] = json_carrier_id

    json_project_manager_id: None | str | Unset
    if isinstance(project_manager_id, Unset):
        json_project_manager_id = UNSET
    elif isinstance(project_manager_id, UUID):
        json_project_manager_id = str(project_manager_id)
    else:
        json_project_manager_id = project_manager_id
    params["project_manager_id"] = json_project_manager_id

    json_center_id: None | str | Unset
    if isinstance(center_id, Unset):
        json_center_id = UNSET
    elif isinstance(center_id, UUID):
        json_center_id = str(center_id)
    else:
        json_center_id = center_id
    params["center_id"] = json_center_id

    json_demand_id: None | str | Unset
    if isinstance(demand_id, Unset):
        json_demand_id = UNSET
    elif isinstance(demand_id, UUID):
        json_demand_id = str(demand_id)
    else:
        json_demand_id = demand_id
    params["demand_id"] = json_demand_id

    json_match_id: None | str | Unset
    if isinstance(match_id, Unset):
        json_match_id = UNSET
    elif isinstance(match_id, UUID):
        json_match_id = str(match_id)
    else:
        json_match_id = match_id
    params["match_id"] = json_match_id

    json_status: list[str] | None | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, list):
        json_status = status

    else:
        json_status = status
    params["status"] = json_status

    json_contract_type: None | str | Unset
    if isinstance(contract_type, Unset):
        json_contract_type = UNSET
    else:
        json_contract_type = contract_type
    params["contract_type"] = json_contract_type

    json_signed_from: None | str | Unset
    if isinstance(signed_from, Unset):
        json_signed_from = UNSET
    elif isinstance(signed_from, datetime.date):
        json_signed_from = signed_from.isoformat()
    else:
        json_signed_from = signed_from
    params["signed_from"] = json_signed_from

    json_signed_to: None | str | Unset
    if isinstance(signed_to, Unset):
        json_signed_to = UNSET
    elif isinstance(signed_to, datetime.date):
        json_signed_to = signed_to.isoformat()
    else:
        json_signed_to = signed_to
    params["signed_to"] = json_signed_to

    json_created_from: None | str | Unset
    if isinstance(created_from, Unset):
        json_created_from = UNSET
    elif isinstance(created_from, datetime.date):
        json_created_from = created_from.isoformat()
    else:
        json_created_from = created_from
    params["created_from"] = json_created_from

    json_created_to: None | str | Unset
    if isinstance(created_to, Unset):
        json_created_to = UNSET
    elif isinstance(created_to, datetime.date):
        json_created_to = created_to.isoformat()
    else:
        json_created_to = created_to
    params["created_to"] = json_created_to

    json_active_on: None | str | Unset
    if isinstance(active_on, Unset):
        json_active_on = UNSET
    elif isinstance(active_on, datetime.date):
        json_active_on = active_on.isoformat()
    else:
        json_active_on = active_on
    params["active_on"] = json_active_on

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
        "url": "/api/v1/contracts",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ContractPage | Problem | None:
    if response.status_code == 200:
        response_200 = ContractPage.from_dict(response.json())

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
) -> Response[ContractPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    enterprise_id: None | Unset | UUID = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    project_manager_id: None | Unset | UUID = UNSET,
    center_id: None | Unset | UUID = UNSET,
    demand_id: None | Unset | UUID = UNSET,
    match_id: None | Unset | UUID = UNSET,
    status: list[str] | None | Unset = UNSET,
    contract_type: None | str | Unset = UNSET,
    signed_from: datetime.date | None | Unset = UNSET,
    signed_to: datetime.date | None | Unset = UNSET,
    created_from: datetime.date | None | Unset = UNSET,
    created_to: datetime.date | None | Unset = UNSET,
    active_on: datetime.date | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[ContractPage | Problem]:
    """List contracts you may see, newest first

    Args:
        enterprise_id (None | Unset | UUID):
        carrier_id (None | Unset | UUID):
        project_manager_id (None | Unset | UUID):
        center_id (None | Unset | UUID):
        demand_id (None | Unset | UUID):
        match_id (None | Unset | UUID):
        status (list[str] | None | Unset):
        contract_type (None | str | Unset):
        signed_from (datetime.date | None | Unset): Signed on or after this day (China time)
        signed_to (datetime.date | None | Unset): Signed on or before this day (China time)
        created_from (datetime.date | None | Unset):
        created_to (datetime.date | None | Unset):
        active_on (datetime.date | None | Unset): The contract period covers this day
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContractPage | Problem]
    """

    kwargs = _get_kwargs(
        enterprise_id=enterprise_id,
        carrier_id=carrier_id,
        project_manager_id=project_manager_id,
        center_id=center_id,
        demand_id=demand_id,
        match_id=match_id,
        status=status,
        contract_type=contract_type,
        signed_from=signed_from,
        signed_to=signed_to,
        created_from=created_from,
        created_to=created_to,
        active_on=active_on,
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
    enterprise_id: None | Unset | UUID = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    project_manager_id: None | Unset | UUID = UNSET,
    center_id: None | Unset | UUID = UNSET,
    demand_id: None | Unset | UUID = UNSET,
    match_id: None | Unset | UUID = UNSET,
    status: list[str] | None | Unset = UNSET,
    contract_type: None | str | Unset = UNSET,
    signed_from: datetime.date | None | Unset = UNSET,
    signed_to: datetime.date | None | Unset = UNSET,
    created_from: datetime.date | None | Unset = UNSET,
    created_to: datetime.date | None | Unset = UNSET,
    active_on: datetime.date | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> ContractPage | Problem | None:
    """List contracts you may see, newest first

    Args:
        enterprise_id (None | Unset | UUID):
        carrier_id (None | Unset | UUID):
        project_manager_id (None | Unset | UUID):
        center_id (None | Unset | UUID):
        demand_id (None | Unset | UUID):
        match_id (None | Unset | UUID):
        status (list[str] | None | Unset):
        contract_type (None | str | Unset):
        signed_from (datetime.date | None | Unset): Signed on or after this day (China time)
        signed_to (datetime.date | None | Unset): Signed on or before this day (China time)
        created_from (datetime.date | None | Unset):
        created_to (datetime.date | None | Unset):
        active_on (datetime.date | None | Unset): The contract period covers this day
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContractPage | Problem
    """

    return sync_detailed(
        client=client,
        enterprise_id=enterprise_id,
        carrier_id=carrier_id,
        project_manager_id=project_manager_id,
        center_id=center_id,
        demand_id=demand_id,
        match_id=match_id,
        status=status,
        contract_type=contract_type,
        signed_from=signed_from,
        signed_to=signed_to,
        created_from=created_from,
        created_to=created_to,
        active_on=active_on,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    enterprise_id: None | Unset | UUID = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    project_manager_id: None | Unset | UUID = UNSET,
    center_id: None | Unset | UUID = UNSET,
    demand_id: None | Unset | UUID = UNSET,
    match_id: None | Unset | UUID = UNSET,
    status: list[str] | None | Unset = UNSET,
    contract_type: None | str | Unset = UNSET,
    signed_from: datetime.date | None | Unset = UNSET,
    signed_to: datetime.date | None | Unset = UNSET,
    created_from: datetime.date | None | Unset = UNSET,
    created_to: datetime.date | None | Unset = UNSET,
    active_on: datetime.date | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[ContractPage | Problem]:
    """List contracts you may see, newest first

    Args:
        enterprise_id (None | Unset | UUID):
        carrier_id (None | Unset | UUID):
        project_manager_id (None | Unset | UUID):
        center_id (None | Unset | UUID):
        demand_id (None | Unset | UUID):
        match_id (None | Unset | UUID):
        status (list[str] | None | Unset):
        contract_type (None | str | Unset):
        signed_from (datetime.date | None | Unset): Signed on or after this day (China time)
        signed_to (datetime.date | None | Unset): Signed on or before this day (China time)
        created_from (datetime.date | None | Unset):
        created_to (datetime.date | None | Unset):
        active_on (datetime.date | None | Unset): The contract period covers this day
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContractPage | Problem]
    """

    kwargs = _get_kwargs(
        enterprise_id=enterprise_id,
        carrier_id=carrier_id,
        project_manager_id=project_manager_id,
        center_id=center_id,
        demand_id=demand_id,
        match_id=match_id,
        status=status,
        contract_type=contract_type,
        signed_from=signed_from,
        signed_to=signed_to,
        created_from=created_from,
        created_to=created_to,
        active_on=active_on,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    enterprise_id: None | Unset | UUID = UNSET,
    carrier_id: None | Unset | UUID = UNSET,
    project_manager_id: None | Unset | UUID = UNSET,
    center_id: None | Unset | UUID = UNSET,
    demand_id: None | Unset | UUID = UNSET,
    match_id: None | Unset | UUID = UNSET,
    status: list[str] | None | Unset = UNSET,
    contract_type: None | str | Unset = UNSET,
    signed_from: datetime.date | None | Unset = UNSET,
    signed_to: datetime.date | None | Unset = UNSET,
    created_from: datetime.date | None | Unset = UNSET,
    created_to: datetime.date | None | Unset = UNSET,
    active_on: datetime.date | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> ContractPage | Problem | None:
    """List contracts you may see, newest first

    Args:
        enterprise_id (None | Unset | UUID):
        carrier_id (None | Unset | UUID):
        project_manager_id (None | Unset | UUID):
        center_id (None | Unset | UUID):
        demand_id (None | Unset | UUID):
        match_id (None | Unset | UUID):
        status (list[str] | None | Unset):
        contract_type (None | str | Unset):
        signed_from (datetime.date | None | Unset): Signed on or after this day (China time)
        signed_to (datetime.date | None | Unset): Signed on or before this day (China time)
        created_from (datetime.date | None | Unset):
        created_to (datetime.date | None | Unset):
        active_on (datetime.date | None | Unset): The contract period covers this day
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContractPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            enterprise_id=enterprise_id,
            carrier_id=carrier_id,
            project_manager_id=project_manager_id,
            center_id=center_id,
            demand_id=demand_id,
            match_id=match_id,
            status=status,
            contract_type=contract_type,
            signed_from=signed_from,
            signed_to=signed_to,
            created_from=created_from,
            created_to=created_to,
            active_on=active_on,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
