"""The web app as ``planflow web`` serves it: a real uvicorn server on a free loopback port,
reached with httpx, so that what uvicorn itself does with X-Forwarded-* headers is tested."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from typing import IO

import httpx
import pytest

from planflow.web.tokens import Tokens
from tests.cli.runner import PLANFLOW
from tests.smtp import free_port
from tests.web.conftest import PASSWORD, SECRET

Serve = Callable[..., str]


@pytest.fixture
def serve(defs_root: Path, tmp_path: Path) -> Iterator[Serve]:
    """Starts ``planflow web`` with extra PLANFLOW_* settings; returns its base URL."""
    servers: list[tuple[subprocess.Popen[bytes], IO[str]]] = []

    def start(**settings: str) -> str:
        port = free_port()
        env = {**os.environ, "PLANFLOW_HOME": str(tmp_path / "home"), "PLANFLOW_DEFINITIONS": str(defs_root),
               "PLANFLOW_SECRET": SECRET, "PLANFLOW_BOARD_PASSWORD": PASSWORD, **settings}  # fmt: skip
        log = (tmp_path / f"server-{port}.log").open("w")
        server = subprocess.Popen([str(PLANFLOW), "web", "--port", str(port), "--as-of", "2026-03-24T09:00"],
                                  env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        servers.append((server, log))
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"planflow web exited with {server.returncode}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    return url
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError("planflow web did not start within 30 s")

    yield start
    for server, log in servers:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def _attempt(client: httpx.Client, password: str, forwarded_for: str) -> httpx.Response:
    """One login from a browser that the proxy (or a forger) says is ``forwarded_for``."""
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token, form.text
    return client.post("/login", data={"csrf": token.group(1), "user": "thuongtruc", "password": password},
                       headers={"X-Forwarded-For": forwarded_for})  # fmt: skip


def test_forwarded_headers_are_not_trusted_by_default(serve: Serve) -> None:
    """Without PLANFLOW_TRUSTED_PROXIES a forged X-Forwarded-For from loopback cannot dodge the login lock, and a
    forged X-Forwarded-Proto does not turn links into https."""
    url = serve()
    with httpx.Client(base_url=url) as client:
        for n in range(5):
            assert _attempt(client, "sai-mat-khau", f"203.0.113.{n}").status_code == 401
        locked = _attempt(client, PASSWORD, "198.51.100.77")
        assert locked.status_code == 429, locked.text
        assert "Đăng nhập tài khoản này từ địa chỉ của bạn tạm khoá đến " in unescape(locked.text)
        login = client.get("/login")
        page = client.get(_unit_path(url), headers={"X-Forwarded-Proto": "https"})
    assert login.status_code == 200
    assert re.search(rf'href="{re.escape(url)}/ics/[^"]+\.ics"', page.text)


def test_forwarded_headers_from_a_configured_proxy(serve: Serve) -> None:
    """Behind a configured proxy the lock follows each browser's own address: one address's wrong passwords do
    not lock the standing unit out from another, and the proxy's https is believed."""
    url = serve(PLANFLOW_TRUSTED_PROXIES="127.0.0.1, ::1")
    with httpx.Client(base_url=url) as attacker, httpx.Client(base_url=url) as officer:
        for _ in range(5):
            assert _attempt(attacker, "sai-mat-khau", "203.0.113.9").status_code == 401
        assert _attempt(attacker, PASSWORD, "203.0.113.9").status_code == 429
        signed_in = _attempt(officer, PASSWORD, "198.51.100.20")
        assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/board")
        page = officer.get(_unit_path(url), headers={"X-Forwarded-Proto": "https"})
    https = url.replace("http://", "https://")
    assert re.search(rf'href="{re.escape(https)}/ics/[^"]+\.ics"', page.text)


def test_an_untrusted_proxy_setting_is_refused(defs_root: Path, tmp_path: Path) -> None:
    """A proxy setting that is not an address or a network stops the server before it starts, saying how to write it."""
    env = {**os.environ, "PLANFLOW_HOME": str(tmp_path / "home"), "PLANFLOW_DEFINITIONS": str(defs_root),
           "PLANFLOW_SECRET": SECRET, "PLANFLOW_TRUSTED_PROXIES": "*"}  # fmt: skip
    done = subprocess.run([str(PLANFLOW), "web", "--port", str(free_port())], env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 1
    assert (
        "PLANFLOW_TRUSTED_PROXIES '*' không hợp lệ: ghi địa chỉ IP hoặc dải mạng của reverse proxy, "
        "cách nhau bằng dấu phẩy (ví dụ 127.0.0.1 hoặc 10.0.0.0/24)"
    ) in " ".join(done.stderr.split())


def _unit_path(url: str) -> str:
    """A unit's page, signed with the server's secret."""
    return "/p/" + Tokens(SECRET).progress_link("demo-2026", "kt", dt.datetime(2026, 4, 30, tzinfo=dt.UTC))
