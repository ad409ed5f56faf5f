"""``itp views refresh`` on PostgreSQL: each service that stores rendered views renders them all
again with this release's renderers (the service layers' ``refresh_views``, tested with their views)."""

from __future__ import annotations

import asyncio
import contextlib
import io

import pytest

from itp.cli import main
from itp.services import migrations_dir
from shared.migrations import upgrade
from shared.testing import create_database, drop_database, unique

pytestmark = pytest.mark.integration


async def test_itp_views_refresh_runs_each_service_with_views(monkeypatch: pytest.MonkeyPatch) -> None:
    names = {service: unique(f"itp_views_{service}") for service in ("contracts", "matching")}
    try:
        for service, name in names.items():
            url = await create_database(name)
            await asyncio.to_thread(upgrade, migrations_dir(service), url)
            monkeypatch.setenv(f"ITP_{service.upper()}_DATABASE_URL", url)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            await asyncio.to_thread(main, ["views", "refresh"])
        assert "refreshed 0 contracts view(s)" in out.getvalue()
        assert "refreshed 0 matching view(s)" in out.getvalue()
        with pytest.raises(SystemExit):  # a service without stored views is refused, not ignored
            await asyncio.to_thread(main, ["views", "refresh", "--service", "demand"])
    finally:
        for name in names.values():
            await drop_database(name)
