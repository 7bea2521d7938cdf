"""The CLI, through typer's runner and through the installed ``planflow`` entry point."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperGroup

from planflow.cli import COMMANDS, app
from planflow.store.db import HEAD_REVISION
from tests.cli.runner import PLANFLOW, run_cli
from tests.conftest import REPO
from tests.factories import demo_plan, write_definitions


def test_validate_ok(defs_root: Path) -> None:
    """A valid definitions folder validates with a one-line summary."""
    code, out, _ = run_cli("validate", "-d", str(defs_root))
    assert (code, out.strip()) == (0, "Hợp lệ: 2 file định nghĩa.")


def test_validate_reports_positions(tmp_path: Path) -> None:
    """Schema and reference problems come as file:line:col: message, exit 1, no traceback."""
    plan = demo_plan()
    plan["tasks"][1]["lead"] = ["Phòng Tư pháp"]
    plan["tasks"][2]["when"] = "31/02/2026"
    root = write_definitions(tmp_path / "defs", plan)
    code, out, err = run_cli("validate", str(root / "plans" / "demo-2026.yaml"))
    assert code == 1
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert re.fullmatch(r".*/plans/demo-2026\.yaml:\d+:9: tasks\[2\]\.when: '31/02/2026': ngày 31/02/2026 "
                        r"không tồn tại", lines[0])  # fmt: skip
    code, _, err = run_cli("validate", "--json", str(root))
    assert code == 1


def test_validate_refuses_what_is_no_definition(tmp_path: Path) -> None:
    """A non-YAML file or a folder without definitions is an error, not a silent success."""
    (tmp_path / "note.txt").write_text("x", encoding="utf-8")
    code, _, err = run_cli("validate", str(tmp_path / "note.txt"))
    assert (code, err.strip()) == (1, f"{tmp_path / 'note.txt'}:1:1: không phải file định nghĩa .yaml")
    (tmp_path / "empty").mkdir()
    code, _, err = run_cli("validate", str(tmp_path / "empty"))
    assert code == 1
    assert err.strip().endswith("không có file định nghĩa nào (cần plans/<id>.yaml hoặc units/<id>.yaml)")


def test_validate_reference_errors(tmp_path: Path) -> None:
    """An unknown unit is reported at the line that names it."""
    plan = demo_plan()
    plan["tasks"][1]["lead"] = ["Phòng Tư pháp"]
    root = write_definitions(tmp_path / "defs", plan)
    code, _, err = run_cli("validate", str(root))
    assert code == 1
    assert re.search(r"demo-2026\.yaml:\d+:5: tasks\[1\]\.lead\[0\]: đơn vị 'Phòng Tư pháp' không có "
                     r"trong danh mục 'demo'\.", err)  # fmt: skip


def test_validate_unknown_parent_plan(tmp_path: Path) -> None:
    """A parent plan id must name a plan of the same definitions folder."""
    root = write_definitions(tmp_path / "defs", demo_plan(parent_plan="tinh-2026"))
    code, _, err = run_cli("validate", str(root))
    assert code == 1
    assert re.search(r"demo-2026\.yaml:\d+:14: parent_plan: không có kế hoạch cha 'tinh-2026' trong ", err)


def test_compile_json(defs_root: Path) -> None:
    """compile --json lists occurrences with keys, dates and edges."""
    code, out, _ = run_cli("compile", "demo-2026", "-d", str(defs_root), "--json")
    assert code == 0
    rows = {r["key"]: r for r in json.loads(out)}
    assert rows["demo-2026/tet"]["due"] == "2026-02-13"  # "trước ngày 17/02/2026": the working day before
    assert rows["demo-2026/so-hoa"]["depends_on"] == ["demo-2026/ke-hoach"]


def test_status_and_progress(defs_root: Path) -> None:
    """Recording progress changes the status seen at a later as-of date."""
    code, out, _ = run_cli("status", "demo-2026", "-d", str(defs_root), "--as-of", "2026-04-02", "--json")
    assert code == 0
    (plan,) = json.loads(out)["plans"]
    items = {i["key"]: i for i in plan["items"]}
    assert items["demo-2026/ke-hoach"]["status"] == "overdue"
    assert items["demo-2026/ke-hoach"]["days_overdue"] == 2
    code, out, _ = run_cli(
        "progress", "demo-2026", "ke-hoach", "--status", "done", "--by", "Phòng VH-XH",
        "--at", "2026-03-25", "-d", str(defs_root), "--json",
    )  # fmt: skip
    assert code == 0, out
    assert json.loads(out)["occurrence"] == "demo-2026/ke-hoach"
    code, out, _ = run_cli("status", "demo-2026", "-d", str(defs_root), "--as-of", "2026-04-02", "--json")
    items = {i["key"]: i for i in json.loads(out)["plans"][0]["items"]}
    assert items["demo-2026/ke-hoach"]["status"] == "done_on_time"
    assert json.loads(out)["plans"][0]["summary"]["done_on_time"] == 1


def test_progress_errors_are_messages(defs_root: Path) -> None:
    """Bad progress input gives one clear line and exit 1."""
    code, _, err = run_cli("progress", "demo-2026", "khong-co", "--status", "done", "-d", str(defs_root))
    assert code == 1
    assert err.strip() == "Lỗi: kế hoạch 'demo-2026' không có nhiệm vụ hay báo cáo 'khong-co'"
    code, _, err = run_cli("status", "khong-co", "-d", str(defs_root), "--as-of", "2026-01-01")
    assert code == 1
    assert err.strip().startswith("Lỗi: không có kế hoạch 'khong-co' trong")


def test_bad_as_of(defs_root: Path) -> None:
    """An unreadable --as-of says which forms are accepted."""
    code, _, err = run_cli("status", "-d", str(defs_root), "--as-of", "hôm qua")
    assert code == 1
    assert "--as-of 'hôm qua' không hợp lệ" in err


def _commands() -> dict[str, Any]:
    """Every command and subcommand, by what is typed after ``planflow``."""
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    found: dict[str, Any] = {}
    for name in group.list_commands(typer.Context(group)):
        command = group.get_command(typer.Context(group), name)
        if isinstance(command, TyperGroup):
            for sub in command.list_commands(typer.Context(command)):
                found[f"{name} {sub}"] = command.get_command(typer.Context(command), sub)
        found[name] = command
    return found


def test_every_command_has_help_and_is_documented() -> None:
    """Each command has help text with an example, and the hand-written pages of the
    documentation site show it (the generated command-line reference does not count)."""
    pages = sorted((REPO / "docs").rglob("*.md"))
    written = "\n".join(p.read_text(encoding="utf-8") for p in pages if p.parent.name != "reference")
    names = [name for name, command in _commands().items() if not isinstance(command, TyperGroup)]
    assert {"status", "check", "report build", "ics"} <= set(names)
    for name in names:
        code, out, _ = run_cli(*name.split(), "--help")
        assert code == 0 and "Ví dụ:" in out, name
        assert f"planflow {name}" in written, name


def test_help_lists_every_command() -> None:
    """`planflow --help` names every command with the start of its help."""
    code, out, _ = run_cli("--help")
    assert code == 0
    commands = _commands()
    for name in COMMANDS:
        first_words = " ".join(commands[name].help.split()[:3])
        assert re.search(rf"│ {re.escape(name)}\s+{re.escape(first_words)}", out), name


def test_real_entry_point(defs_root: Path, tmp_path: Path) -> None:
    """The installed script runs, and a broken file never shows a traceback."""
    env = {**os.environ, "PLANFLOW_DEFINITIONS": str(defs_root), "PLANFLOW_HOME": str(tmp_path / "h")}
    done = subprocess.run([str(PLANFLOW), "status", "--as-of", "2026-04-02", "--json"],
                          capture_output=True, text=True, env=env, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["plans"][0]["plan"] == "demo-2026"
    (defs_root / "plans" / "demo-2026.yaml").write_text("id: [", encoding="utf-8")
    broken = subprocess.run([str(PLANFLOW), "status"], capture_output=True, text=True, env=env, check=False)
    assert broken.returncode == 1
    assert "Traceback" not in broken.stderr
    assert "demo-2026.yaml:1:6: lỗi cú pháp YAML" in broken.stderr


def test_cli_does_not_import_prefect() -> None:
    """Loading every command module does not import Prefect: only `check` does, when run."""
    code = (
        "import sys; from planflow.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'planflow.cli.check' in sys.modules, 'the command modules were not loaded'\n"
        "assert not any(m == 'prefect' or m.startswith('prefect.') for m in sys.modules), 'prefect imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


_LOADED = """
import json, sys
from planflow.cli import app
try:
    app(sys.argv[1:])
except SystemExit as e:
    assert not e.code, e.code
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_loaded_by(*args: str, env: dict[str, str]) -> set[str]:
    done = subprocess.run([sys.executable, "-c", _LOADED, *args], env=env, capture_output=True, text=True,
                          check=True)  # fmt: skip
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_status_table_reads_as_the_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`planflow status PLAN` names lead units and periods in words, not by their ids, and
    keeps a definition's review mark ("Quý VI/2026") beside the item it is about."""
    monkeypatch.setenv("PLANFLOW_DEFINITIONS", str(REPO / "definitions"))
    monkeypatch.setenv("PLANFLOW_HOME", str(tmp_path / "h"))
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("status", "loc-tan-2026", "--as-of", "2026-04-15")
    assert code == 0, err
    text = " ".join(out.split())
    assert "KIỂM TRA: Văn bản ghi “Quý VI/2026”" in out
    assert "Văn phòng HĐND và UBND xã" in text and "quý I năm 2026" in text
    assert not re.search(r"\b\d{4}-(Q\d|H\d|\d\d)\b|phong-", out)


def test_status_loads_only_what_it_uses(defs_root: Path, tmp_path: Path) -> None:
    """`planflow status` imports no other command's module, nor the web, import, Excel or Word
    libraries; with --no-sync, not even the definition loader: what keeps its start fast."""
    env = {**os.environ, "PLANFLOW_DEFINITIONS": str(defs_root), "PLANFLOW_HOME": str(tmp_path / "h")}
    heavy = {"notifications", "fastapi", "openpyxl", "docxtpl", "docx", "pdfplumber", "jinja2", "prefect"}
    synced = _modules_loaded_by("status", "--as-of", "2026-04-02", "--json", env=env)
    assert {"planflow.cli.status", "planflow.loader"} <= synced
    assert {m for m in synced if m.startswith("planflow.cli.")} == {
        "planflow.cli.status",
        "planflow.cli.common",
        "planflow.cli.terminal",  # NO_COLOR, read as every invocation starts
        "planflow.cli.vi",  # Typer's and Click's words in Vietnamese
    }
    assert not {m.split(".")[0] for m in synced} & heavy
    store_only = _modules_loaded_by("status", "--no-sync", "--as-of", "2026-04-02", "--json", env=env)
    assert "planflow.cli.status" in store_only
    assert not {m.split(".")[0] for m in store_only} & (heavy | {"yaml", "holidays"})
    assert not store_only & {"planflow.loader", "planflow.sync.definitions", "planflow.reports.cycle"}


def test_migrate_upgrades_once(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`planflow migrate` creates the schema of an empty store, then finds it current."""
    monkeypatch.setenv("PLANFLOW_DATABASE_URL", database_url)
    code, out, _ = run_cli("migrate")
    assert code == 0 and f"đã nâng cấp lược đồ (trống) → {HEAD_REVISION}." in out
    code, out, _ = run_cli("migrate")
    assert code == 0 and f"lược đồ đã ở phiên bản mới nhất ({HEAD_REVISION})" in out


def test_serve_refuses_unknown_schedules(defs_root: Path) -> None:
    code, _, err = run_cli("serve", "-d", str(defs_root), "--only", "hang-gio")
    assert code == 1 and "không có lịch ['hang-gio']" in err and "check-plans" in err
    code, _, err = run_cli("serve", "-d", str(defs_root), "--every", "check-plans=abc")
    assert code == 1 and "cần dạng TÊN=GIÂY" in err
