"""planflow web and planflow link at the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from planflow.web.tokens import Tokens
from tests.cli.runner import run_cli

SECRET = "c" * 40


def test_web_refuses_a_public_address_without_a_secret(defs_root: Path) -> None:
    """Listening beyond loopback with no PLANFLOW_SECRET stops before anything starts."""
    code, _, err = run_cli("web", "--host", "0.0.0.0", "-d", str(defs_root))
    assert code == 1
    assert err.strip().startswith("Lỗi: không chạy trên địa chỉ 0.0.0.0 khi chưa đặt PLANFLOW_SECRET")


def test_link_needs_the_secret(defs_root: Path) -> None:
    """Without the server's secret no link can be signed."""
    code, _, err = run_cli("link", "demo-2026", "--unit", "kt", "-d", str(defs_root))
    assert (code, err.strip()) == (
        1,
        "Lỗi: chưa đặt PLANFLOW_SECRET: không ký được liên kết (xem docs/guide/web.md)",
    )


def test_link_for_a_unit(defs_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The link opens the unit's page on the public URL and is signed for that unit only."""
    monkeypatch.setenv("PLANFLOW_SECRET", SECRET)
    monkeypatch.setenv("PLANFLOW_PUBLIC_URL", "https://planflow.demo.example")
    code, out, _ = run_cli(
        "link",
        "demo-2026",
        "--unit",
        "Phòng Kinh tế",
        "--as-of",
        "2026-03-24",
        "--json",
        "-d",
        str(defs_root),
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["url"].startswith("https://planflow.demo.example/p/")
    assert payload["expires"] == "2026-04-23T12:00:00+07:00"
    scope = Tokens(SECRET).read_progress_link(
        payload["url"].rsplit("/", 1)[1], dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    )
    assert (scope.plan_id, scope.unit_id) == ("demo-2026", "kt")
    code, _, err = run_cli("link", "demo-2026", "--unit", "Phòng Tư pháp", "-d", str(defs_root))
    assert code == 1 and "đơn vị 'Phòng Tư pháp' không có trong danh mục 'demo'" in err
