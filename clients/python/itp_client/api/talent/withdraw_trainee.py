from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.reason_body import ReasonBody
from ...models.trainee_out import TraineeOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    trainee_id: UUID,
    *,
    body: None | ReasonBody | Unset = UNSET,
    if_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/trainees/{trainee_id}/withdraw".format(
            trainee_id=quote(str(trainee_id), safe=""),
        ),
    }

    if isinstance(body, ReasonBody):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | TraineeOut | None:
    if response.status_code == 200:
        response_200 = TraineeOut.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 428:
        response_428 = Problem.from_dict(response.json())

        return response_428

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
) -> Response[Problem | TraineeOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    trainee_id: UUID,
    *,
    client: AuthenticatedClient,
    body: None | ReasonBody | Unset = UNSET,
    if_match: None | str | Unset = UNSET,
) -> Response[Problem | TraineeOut]:
    """A trainee withdraws (a reason is required)

    Args:
        trainee_id (UUID):
        if_match (None | str | Unset): The ETag you read
        body (None | ReasonBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TraineeOut]
    """

    kwargs = _get_kwargs(
        trainee_id=trainee_id,
        body=body,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    trainee_id: UUID,
    *,
    client: AuthenticatedClient,
    body: None | ReasonBody | Unset = UNSET,
    if_match: None | str | Unset = UNSET,
) -> Problem | TraineeOut | None:
    """A trainee withdraws (a reason is required)

    Args:
        trainee_id (UUID):
        if_match (None | str | Unset): The ETag you read
        body (None | ReasonBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TraineeOut
    """

    return sync_detailed(
        trainee_id=trainee_id,
        client=client,
        body=body,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    trainee_id: UUID,
    *,
    client: AuthenticatedClient,
    body: None | ReasonBody | Unset = UNSET,
    if_match: None | str | Unset = UNSET,
) -> Response[Problem | TraineeOut]:
    """A trainee withdraws (a reason is required)

    Args:
        trainee_id (UUID):
        if_match (None | str | Unset): The ETag you read
        body (None | ReasonBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TraineeOut]
    """

    kwargs = _get_kwargs(
        trainee_id=trainee_id,
        body=body,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    trainee_id: UUID,
    *,
    client: AuthenticatedClient,
    body: None | ReasonBody | Unset = UNSET,
    if_match: None | str | Unset = UNSET,
) -> Problem | TraineeOut | None:
    """A trainee withdraws (a reason is required)

    Args:
        trainee_id (UUID):
        if_match (None | str | Unset): The ETag you read
        body (None | ReasonBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TraineeOut
    """

    return (
        await asyncio_detailed(
            trainee_id=trainee_id,
            client=client,
            body=body,
            if_match=if_match,
        )
    ).parsed
