"""A store that cannot be used is one line saying what, where and what to do: a wrong or
garbage URL, a closed or silent server, a read-only database or disk, a full disk. The
usual PostgreSQL spellings of a URL work with the psycopg 3 driver installed."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from planflow.store.db import HEAD_REVISION
from tests.cli.runner import PLANFLOW, run_cli
from tests.conftest import postgres_schema_url

HELP = "ghi dạng sqlite:////đường/dẫn/planflow.db hoặc postgresql://người_dùng@máy_chủ:5432/tên_csdl"


def _migrate(monkeypatch: pytest.MonkeyPatch, url: str) -> tuple[int, str, str]:
    monkeypatch.setenv("PLANFLOW_DATABASE_URL", url)
    return run_cli("migrate")


def test_garbage_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """A URL that is not one says so and shows the two forms that work."""
    code, _out, err = _migrate(monkeypatch, "không phải url")
    assert (code, err) == (
        1,
        f"Lỗi: địa chỉ cơ sở dữ liệu 'không phải url' không hợp lệ (PLANFLOW_DATABASE_URL); {HELP}\n",
    )


def test_unsupported_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """A database planflow does not support is named in the message."""
    code, _out, err = _migrate(monkeypatch, "mysql://u@127.0.0.1/planflow")
    assert (code, err) == (
        1,
        "Lỗi: không hỗ trợ cơ sở dữ liệu 'mysql' (PLANFLOW_DATABASE_URL); chỉ dùng SQLite hoặc "
        f"PostgreSQL: {HELP}\n",
    )


@pytest.mark.postgres
@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_postgres_spellings_use_psycopg(monkeypatch: pytest.MonkeyPatch, scheme: str) -> None:
    """``postgresql://`` and ``postgres://`` (libpq's spellings) open the store with psycopg 3."""
    url = postgres_schema_url()
    if url is None:
        pytest.skip("PostgreSQL not reachable")
    code, out, err = _migrate(monkeypatch, url.replace("postgresql+psycopg://", f"{scheme}://"))
    assert (code, err) == (0, "")
    assert out.startswith("postgresql+psycopg://")
    assert out.endswith(f": đã nâng cấp lược đồ (trống) → {HEAD_REVISION}.\n")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_closed_port(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that is not running is reported at once with its address."""
    port = _closed_port()
    code, _out, err = _migrate(monkeypatch, f"postgresql://planflow@127.0.0.1:{port}/planflow")
    assert (code, err) == (
        1,
        f"Lỗi: không kết nối được máy chủ PostgreSQL 127.0.0.1:{port}: máy chủ từ chối kết nối (chưa "
        "chạy hoặc sai cổng); kiểm tra máy chủ và PLANFLOW_DATABASE_URL\n",
    )


@pytest.fixture
def blackhole() -> Iterator[int]:
    """A loopback port that accepts connections and never answers (a server that hangs)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    server.close()
    for conn in held:
        conn.close()


@pytest.mark.parametrize(
    ("query", "seconds"),
    [
        ("?connect_timeout=2", 2),  # as the URL sets it
        ("", 10),  # the default
    ],
)
def test_silent_server_times_out(
    monkeypatch: pytest.MonkeyPatch, blackhole: int, query: str, seconds: int
) -> None:
    """A server that accepts but never answers is given up after the connect timeout
    (10 s unless the URL says otherwise), instead of hanging the command."""
    started = time.monotonic()
    code, _out, err = _migrate(monkeypatch, f"postgresql://planflow@127.0.0.1:{blackhole}/planflow{query}")
    elapsed = time.monotonic() - started
    assert (code, err) == (
        1,
        f"Lỗi: máy chủ PostgreSQL 127.0.0.1:{blackhole} không trả lời sau {seconds} giây; kiểm tra máy "
        "chủ, mạng và PLANFLOW_DATABASE_URL\n",
    )
    assert seconds - 0.5 < elapsed < seconds + 5


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A small file system of its own (1 MB tmpfs), to fill or make read-only."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def _remount_read_only(mount: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)


def test_read_only_database(tmpfs: Path, defs_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store on a disk remounted read-only: recording progress says the database is
    read-only and what to do."""
    monkeypatch.setenv("PLANFLOW_HOME", str(tmpfs / "home"))
    assert run_cli("sync", "-d", str(defs_root))[0] == 0
    _remount_read_only(tmpfs)
    code, _out, err = run_cli("progress", "demo-2026", "ke-hoach", "--status", "done", "-d", str(defs_root))
    assert (code, err) == (
        1,
        f"Lỗi: cơ sở dữ liệu {tmpfs / 'home' / 'planflow.db'} chỉ đọc, không ghi được; cấp quyền ghi cho "
        "file và thư mục chứa nó (hoặc đặt PLANFLOW_HOME tới ổ ghi được)\n",
    )


def test_read_only_disk_before_first_use(tmpfs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PLANFLOW_HOME on a read-only disk, not yet created: the folder cannot be made."""
    _remount_read_only(tmpfs)
    monkeypatch.setenv("PLANFLOW_HOME", str(tmpfs / "home"))
    code, _out, err = run_cli("migrate")
    assert (code, err) == (
        1,
        f"Lỗi: không tạo được thư mục {tmpfs / 'home'}: ổ đĩa chỉ đọc; đặt PLANFLOW_HOME tới một ổ ghi được\n",
    )


def _full_disk_message(database: Path) -> str:
    return (
        f"Lỗi: không ghi được cơ sở dữ liệu {database}: đĩa đầy hoặc lỗi ghi; giải phóng chỗ trống và "
        "chạy lại\n"
    )


def test_full_disk(tmpfs: Path, defs_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sync on a disk with no room left says the disk is full."""
    monkeypatch.setenv("PLANFLOW_HOME", str(tmpfs / "home"))
    assert run_cli("migrate")[0] == 0
    with (tmpfs / "filler").open("wb") as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
        except OSError:
            pass
    code, _out, err = run_cli("sync", "-d", str(defs_root))
    assert (code, err) == (1, _full_disk_message(tmpfs / "home" / "planflow.db"))


def test_file_size_limit_as_full_disk(tmp_path: Path, defs_root: Path) -> None:
    """Without a disk to fill, a file size limit (RLIMIT_FSIZE) makes the database's writes
    fail as on a full disk: the installed command says so, with no traceback."""
    home = tmp_path / "home"
    env = {**os.environ, "PLANFLOW_HOME": str(home)}
    assert subprocess.run([str(PLANFLOW), "migrate"], env=env, capture_output=True).returncode == 0
    limit = 8192  # the write-ahead log, empty at the start, cannot grow past two pages
    script = (
        "import os, resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        f"os.execv({str(PLANFLOW)!r}, [{str(PLANFLOW)!r}, 'sync', '-d', {str(defs_root)!r}])\n"
    )
    done = subprocess.run(
        [str(PLANFLOW.with_name("python")), "-c", script], env=env, capture_output=True, text=True
    )
    assert "Traceback" not in done.stderr
    assert (done.returncode, done.stderr) == (1, _full_disk_message(home / "planflow.db"))
