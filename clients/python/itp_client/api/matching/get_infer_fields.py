from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.inferred_field import InferredField
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    title: str | Unset = "",
    description: str | Unset = "",
    limit: int | Unset = 5,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["title"] = title

    params["description"] = description

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/vocabulary/infer",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[InferredField] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = InferredField.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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
) -> Response[Problem | list[InferredField]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    title: str | Unset = "",
    description: str | Unset = "",
    limit: int | Unset = 5,
) -> Response[Problem | list[InferredField]]:
    """Suggest vocabulary codes for a text, best first, with a confidence (any signed-in user)

    Args:
        title (str | Unset): A title: its cues count twice Default: ''.
        description (str | Unset):  Default: ''.
        limit (int | Unset):  Default: 5.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[InferredField]]
    """

    kwargs = _get_kwargs(
        title=title,
        description=description,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    title: str | Unset = "",
    description: str | Unset = "",
    limit: int | Unset = 5,
) -> Problem | list[InferredField] | None:
    """Suggest vocabulary codes for a text, best first, with a confidence (any signed-in user)

    Args:
        title (str | Unset): A title: its cues count twice Default: ''.
        description (str | Unset):  Default: ''.
        limit (int | Unset):  Default: 5.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[InferredField]
    """

    return sync_detailed(
        client=client,
        title=title,
        description=description,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    title: str | Unset = "",
    description: str | Unset = "",
    limit: int | Unset = 5,
) -> Response[Problem | list[InferredField]]:
    """Suggest vocabulary codes for a text, best first, with a confidence (any signed-in user)

    Args:
        title (str | Unset): A title: its cues count twice Default: ''.
        description (str | Unset):  Default: ''.
        limit (int | Unset):  Default: 5.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[InferredField]]
    """

    kwargs = _get_kwargs(
        title=title,
        description=description,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    title: str | Unset = "",
    description: str | Unset = "",
    limit: int | Unset = 5,
) -> Problem | list[InferredField] | None:
    """Suggest vocabulary codes for a text, best first, with a confidence (any signed-in user)

    Args:
        title (str | Unset): A title: its cues count twice Default: ''.
        description (str | Unset):  Default: ''.
        limit (int | Unset):  Default: 5.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[InferredField]
    """

    return (
        await asyncio_detailed(
            client=client,
            title=title,
            description=description,
            limit=limit,
        )
    ).parsed
