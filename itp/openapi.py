"""The platform's OpenAPI document, built from code: the gateway's own routes and every service's
routers, in this process (nothing fetched from running services), merged by
``shared.openapi.merge`` and finished by ``shared.openapi.finish``.

``itp openapi`` writes it to ``docs/openapi.json`` (``--check`` fails when that file is stale);
the gateway serves the same document at ``/openapi.json``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from itp.services import DATA_SERVICES, definition
from shared import openapi

DOCUMENT = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"


def service_document(name: str) -> dict[str, Any]:
    """FastAPI's document of one service's routers (not started: no database, no bus)."""
    d = definition(name)
    app = FastAPI(title=d.title, version=openapi.VERSION, generate_unique_id_function=openapi.operation_id)
    for router in d.routers:
        app.include_router(router)
    return openapi.raw_document(app)


@functools.cache
def _services() -> dict[str, dict[str, Any]]:
    return {name: service_document(name) for name in DATA_SERVICES}


def platform_document(gateway: FastAPI) -> dict[str, Any]:
    """The gateway's routes (the composed ones win) and the services' under /api/v1, finished."""
    from services.gateway.main import DESCRIPTION, SCHEMAS

    own = openapi.raw_document(gateway, description=DESCRIPTION, schemas=SCHEMAS)
    return openapi.finish(openapi.merge(own, _services()))


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def current() -> str:
    """The document as this code describes it (a gateway app is built, not started)."""
    from services.gateway.main import create_gateway_app

    return render(create_gateway_app(contract=platform_document).openapi())


def write(path: Path = DOCUMENT, *, check: bool = False) -> bool:
    """Write the document to ``path``; with ``check``, only say whether ``path`` is current."""
    text = current()
    if check:
        return path.is_file() and path.read_text(encoding="utf-8") == text
    path.write_text(text, encoding="utf-8")
    return True
