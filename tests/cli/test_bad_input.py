"""Bad command lines of every kind end in a message and exit code 1 or 2, never in a
traceback; the arguments the issue names are refused before anything runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planflow.cli import app
from tests.cli.runner import PLANFLOW, run_cli
from tests.factories import DEMO_UNITS, write_yaml

FUZZ = Path(__file__).parent.parent / "fuzz"
README = Path(__file__).parent.parent.parent / "README.md"
CLOSED = "postgresql://planflow@127.0.0.1:9/planflow"  # the discard port: nothing listens there

# Each: the arguments ({defs} is the demo definitions folder, {tmp} a scratch folder), the
# environment added, and the exit code (2: typer's usage errors; 1: planflow's refusals).
CASES: list[tuple[str, dict[str, str], int]] = [
    ("validate {tmp}/khong-co.yaml", {}, 1),
    (f"validate {README}", {}, 1),
    ("validate {tmp}/defs/plans/billion-laughs.yaml", {}, 1),
    ("validate {tmp}/defs/plans/nul-raw.yaml", {}, 1),
    ("compile khong-co -d {defs}", {}, 1),
    ("compile", {}, 2),
    ("status -d {tmp}/khong-co", {}, 1),
    ("status --as-of hôm-qua -d {defs}", {}, 1),
    ("status --as-of 2025-02-30 -d {defs}", {}, 1),
    ("status khong-co -d {defs}", {}, 1),
    ("sync -d {tmp}/khong-co", {}, 1),
    ("progress demo-2026 ke-hoach --status done --at 2100-01-01 -d {defs}", {}, 1),
    ("progress demo-2026 ke-hoach --status done --at 1900-01-01 -d {defs}", {}, 1),
    ("progress demo-2026 ke-hoach --status done --at mai -d {defs}", {}, 1),
    ("progress demo-2026 ke-hoach --status xong -d {defs}", {}, 2),
    ("progress demo-2026 ke-hoach --status in_progress --percent 150 -d {defs}", {}, 1),
    ("progress demo-2026 ke-hoach --status in_progress --percent abc -d {defs}", {}, 2),
    ("progress demo-2026 so-hoa --status done --value abc -d {defs}", {}, 1),
    ("progress demo-2026 khong-co --status done -d {defs}", {}, 1),
    ("progress khong-co ke-hoach --status done -d {defs}", {}, 1),
    ("progress demo-2026 ke-hoach --status done --by khong-co -d {defs}", {}, 1),
    ("progress demo-2026 tin-bai --status done --period 2026-13 -d {defs}", {}, 1),
    ("progress demo-2026 ke-hoach", {}, 2),
    (f"import-progress {README} -d {{defs}}", {}, 1),
    ("import-progress {tmp}/khong-co.xlsx -d {defs}", {}, 1),
    ("import-progress {tmp}/zip.xlsx -d {defs}", {}, 1),
    ("import-progress {tmp}/text.xlsx -d {defs}", {}, 1),
    ("simulate --from 2026-03-31 --to 2026-03-01 -d {defs}", {}, 1),
    ("simulate --from 1900-01-01 --to 2100-01-01 -d {defs}", {}, 1),
    ("simulate --from hôm-qua --to 2026-03-01 -d {defs}", {}, 1),
    ("simulate --to 2026-03-01 -d {defs}", {}, 1),
    ("check khong-co -d {defs}", {}, 1),
    ("check --as-of 31/02/2026 -d {defs}", {}, 1),
    ("check --chunk-plans 0 -d {defs}", {}, 2),
    ("report assemble khong-co -d {defs}", {}, 1),
    ("status -d {defs}", {"PLANFLOW_DATABASE_URL": "không phải url"}, 1),
    ("status -d {defs}", {"PLANFLOW_DATABASE_URL": "mysql://u@127.0.0.1/planflow"}, 1),
    ("sync -d {defs}", {"PLANFLOW_DATABASE_URL": CLOSED}, 1),
    ("migrate", {"PLANFLOW_DATABASE_URL": CLOSED.replace("postgresql", "postgres")}, 1),
    ("export khong-co -o {tmp}/x.xlsx -d {defs}", {}, 1),
    ("export demo-2026 -o /proc/khong-ghi-duoc/x.xlsx -d {defs}", {}, 1),
    ("ics demo-2026 --unit khong-co -o {tmp}/x.ics -d {defs}", {}, 1),
    ("ics demo-2026 -o /proc/khong-ghi-duoc/x.ics -d {defs}", {}, 1),
    ("notices --as-of hôm-qua -d {defs}", {}, 1),
    ("reports khong-co -d {defs}", {}, 1),
    ("link khong-co -d {defs}", {}, 2),
    ("import {tmp}/khong-co.docx", {}, 1),
    (f"import {README}", {}, 1),
    ("serve --every check-plans=abc -d {defs}", {}, 1),
    ("serve --only khong-co -d {defs}", {}, 1),
    ("web --port 99999 -d {defs}", {}, 2),
    ("schema -o /proc/khong-ghi-duoc/s.json", {}, 1),
    ("units import {tmp}/khong-co.xlsx -d {defs}", {}, 1),
    ("units import {tmp}/zip.xlsx -d {defs}", {}, 1),
    (f"units import {README} -d {{defs}}", {}, 1),
    ("units template -o /proc/khong-ghi-duoc/mau.xlsx", {}, 1),
    ("khong-co-lenh", {}, 2),
]


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A folder with a zip that is not a workbook, a text file named .xlsx, and a
    definitions folder holding two files of the fuzz corpus."""
    folder = tmp_path / "scratch"
    (folder / "defs" / "plans").mkdir(parents=True)
    write_yaml(folder / "defs" / "units" / "demo.yaml", DEMO_UNITS)
    for name in ("billion-laughs.yaml", "nul-raw.yaml"):
        shutil.copy(FUZZ / name, folder / "defs" / "plans" / name)
    with zipfile.ZipFile(folder / "zip.xlsx", "w") as archive:
        archive.writestr("a.txt", "không phải bảng tính")
    (folder / "text.xlsx").write_text("mã,tình trạng\n", encoding="utf-8")
    return folder


def _args(line: str, defs: Path, tmp: Path) -> list[str]:
    return [part.format(defs=defs, tmp=tmp) for part in line.split(" ")]


def test_there_are_45_or_more_cases() -> None:
    """The list covers the issue's 45 bad command lines' kinds, and more."""
    assert len(CASES) >= 45


@pytest.mark.parametrize(("line", "env", "code"), CASES, ids=[f"{i:02d}" for i in range(len(CASES))])
def test_bad_command_line_is_a_message_not_a_traceback(
    line: str,
    env: dict[str, str],
    code: int,
    defs_root: Path,
    scratch: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The command exits with its code and a message; no exception escapes planflow."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, _args(line, defs_root, scratch))
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == code, result.stderr
    assert result.stderr.strip()
    assert "Traceback" not in result.stdout + result.stderr


def test_installed_command_prints_no_traceback(defs_root: Path, scratch: Path, tmp_path: Path) -> None:
    """A sample of the bad lines through the installed ``planflow`` script: exit 1 or 2 and
    no traceback on either stream. (Every line's code and message is checked in-process by
    the test above: this sample, five commands, is about the installed process.)"""
    env = {**os.environ, "PLANFLOW_HOME": str(tmp_path / "home")}
    for line, extra, code in CASES[::12]:
        done = subprocess.run(
            [str(PLANFLOW), *_args(line, defs_root, scratch)],
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == code, (line, done.stderr)
        assert "Traceback" not in done.stdout + done.stderr, line


def test_progress_dated_2100_or_1900_is_refused(defs_root: Path) -> None:
    """A progress event dated in a year still to come, or long before the plan, is refused
    with the day and what to check."""
    code, _out, err = run_cli("progress", "demo-2026", "ke-hoach", "--status", "done", "--at", "2100-01-01",
                              "-d", str(defs_root))  # fmt: skip
    assert code == 1
    assert err.startswith(
        "Lỗi: --at '2100-01-01': ngày 01/01/2100 chưa tới; tiến độ chỉ ghi việc đã xảy ra (hôm nay là "
    )
    code, _out, err = run_cli("progress", "demo-2026", "ke-hoach", "--status", "done", "--at", "1900-01-01",
                              "-d", str(defs_root))  # fmt: skip
    assert (code, err) == (
        1,
        "Lỗi: --at '1900-01-01': ngày 01/01/1900 trước kỳ kế hoạch hơn một năm (kế hoạch bắt đầu "
        "01/01/2026); kiểm tra lại năm\n",
    )


def test_import_progress_of_a_file_that_is_not_a_workbook(defs_root: Path) -> None:
    """import-progress on a file that is not an .xlsx says so and what to use."""
    code, _out, err = run_cli("import-progress", str(README), "-d", str(defs_root))
    assert (code, err) == (
        1,
        f"Lỗi: {README}: không phải bảng tính Excel .xlsx; dùng file do 'planflow export' tạo ra (file "
        ".xls hoặc .ods: mở rồi lưu lại dạng .xlsx)\n",
    )


def test_simulate_from_after_to(defs_root: Path) -> None:
    """simulate with --from after --to, or over more than two years, is refused at once."""
    code, _out, err = run_cli("simulate", "--from", "2026-03-31", "--to", "2026-03-01", "-d", str(defs_root))
    assert (code, err) == (
        1,
        "Lỗi: --from 31/03/2026 sau --to 01/03/2026; ngày đầu phải trước hoặc bằng ngày cuối\n",
    )
    code, _out, err = run_cli("simulate", "--from", "1900-01-01", "--to", "2100-01-01", "-d", str(defs_root))
    assert (code, err) == (
        1,
        "Lỗi: từ --from 01/01/1900 đến --to 01/01/2100 là 73050 ngày; mỗi lần chạy thử tối đa 731 ngày\n",
    )
