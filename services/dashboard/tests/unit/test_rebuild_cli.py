"""The rebuild command refuses the embedded mode, whose bus lives only inside its own process."""

from __future__ import annotations

import pytest

from services.dashboard import rebuild


def test_rebuild_needs_the_kafka_mode(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ITP_MODE", "embedded")
    with pytest.raises(SystemExit) as exit_:
        rebuild.main([])
    assert exit_.value.code == 2
    assert "ITP_MODE=kafka" in capsys.readouterr().err
