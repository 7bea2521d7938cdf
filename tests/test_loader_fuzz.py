"""Hostile definition files: the kept corpus in tests/fuzz/ and generated mutations are each
refused with located lines, in bounded memory, never with a traceback (how fast: bench/,
``validate_hostile``); what the loader accepts is what ``yaml.safe_load`` reads; what
validates syncs on every store."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from planflow.errors import DefinitionError
from planflow.loader import load_definitions, load_plan_file, read_yaml
from planflow.sync.definitions import sync_definitions
from planflow.yamlfile import FAST_LOADER, fast_load, slow_load
from tests.cli.runner import PLANFLOW, run_cli
from tests.factories import DEMO_UNITS, demo_plan, write_definitions, write_yaml

FUZZ = Path(__file__).parent / "fuzz"
CORPUS = sorted(FUZZ.glob("*.yaml"))
VALID = sorted((FUZZ / "valid").glob("*.yaml"))
UNITS = FUZZ / "units" / "demo.yaml"  # the unit directory the corpus's plans name
DEFINITIONS = sorted((Path(__file__).parent.parent / "definitions").rglob("*.yaml"))
LOCATED = re.compile(r"^(?P<file>[^:]+\.yaml):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


def _folder(tmp_path: Path, files: list[Path]) -> Path:
    """A definitions folder with the demo unit directory and these plan files."""
    root = tmp_path / "definitions"
    (root / "units").mkdir(parents=True)
    shutil.copy(UNITS, root / "units" / UNITS.name)
    (root / "plans").mkdir()
    for file in files:
        shutil.copy(file, root / "plans" / file.name)
    return root


def test_corpus_is_kept() -> None:
    """The corpus holds the issue's hostile inputs (and more), each a file of its own, and
    the unit directory its plans name is the factories' demo directory."""
    assert len(CORPUS) >= 40
    assert yaml.safe_load(UNITS.read_text(encoding="utf-8")) == DEMO_UNITS


HANG_GUARD_S = 60
"""Not a speed target (that is bench/: ``validate_hostile``, 2 s a file): a ``planflow
validate`` that never returns fails its test after this long instead of hanging the run."""


@contextmanager
def _hang_guard(seconds: int) -> Iterator[None]:
    """Fail the test if the block has not returned after ``seconds`` (SIGALRM: pytest-xdist
    runs each worker's tests in its main thread, where Python handles signals). The failure
    is pytest's, a BaseException, so neither the CLI runner nor planflow's error handling
    turns it into an exit code. It interrupts Python code (the loader's own: aliases, merge
    keys, the schema); a loop inside libyaml's C scanner would hold the signal until it
    returned, so that one would still hang."""

    def hung(signum: int, frame: FrameType | None) -> None:
        pytest.fail(f"planflow validate had not returned after {seconds} s", pytrace=False)

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)


@pytest.mark.parametrize("file", CORPUS, ids=[f.stem for f in CORPUS])
def test_corpus_file_gives_located_lines_and_exit_1(file: Path, tmp_path: Path) -> None:
    """Each hostile file makes ``planflow validate`` exit 1, printing only lines of the form
    file:line:col: message."""
    root = _folder(tmp_path, [file])
    with _hang_guard(HANG_GUARD_S):
        code, out, err = run_cli("validate", str(root / "plans" / file.name), "-d", str(root))
    assert code == 1, out + err
    lines = err.strip().splitlines()
    assert lines
    for line in lines:
        match = LOCATED.match(line)
        assert match, line
        assert Path(match["file"]).name == file.name


# The issue's cases, word for word: the line, the column, the field and what to do.
EXPECTED = {
    "yaml-date-feb29": "21:14: tasks[1].when.by: '2025-02-29': ngày 29/02/2025 không tồn tại",
    "yaml-date-period": "10:8: period.end: '2026-02-30': ngày 30/02/2026 không tồn tại",
    "nul-raw": "2:23: title: có ký tự điều khiển U+0000, không được phép trong file định nghĩa; "
    "xoá ký tự này",
    "nul-escaped": "15:10: tasks[0].title: có ký tự điều khiển U+0000, không được phép trong file "
    "định nghĩa; xoá ký tự này",
    "deep-moderate": "22:58: tasks[1].notes: cấu trúc lồng quá sâu (quá 50 cấp); viết phẳng lại",
    "deep-flow": "22:1008: lỗi cú pháp YAML: cấu trúc lồng quá sâu; viết phẳng lại",
    "billion-laughs": "6:7: lol5: file có quá 100.000 giá trị khi mở rộng các bí danh (alias) YAML; "
    "viết thẳng giá trị thay vì lồng bí danh",
    "alias-recursive": "18:3: tasks[1].depends_on[0]: bí danh (alias) YAML trỏ vào chính nó; bỏ bí danh này",
    "duplicate-key-task": "22:3: tasks[1].when: khoá 'when' ghi hai lần (lần đầu ở dòng 21); giữ một lần",
    "merge-key-bad-target": "19:7: tasks[1]: khoá gộp '<<' phải trỏ tới một bảng khoá: giá trị hoặc "
    "danh sách bảng (vd. <<: *mau)",
    "id-too-long": "18:7: tasks[1].id: id dài 1000 ký tự, tối đa 100; rút ngắn lại",
    "label-too-long": "19:10: tasks[1].label: dài quá 60 ký tự; rút ngắn lại",
    "target-infinite": "23:31: tasks[1].targets[0].value: phải là một số hữu hạn",
    "python-tag": "4:8: place: thẻ YAML 'tag:yaml.org,2002:python/object/apply:os.system' không dùng "
    "được trong file định nghĩa; bỏ thẻ này",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_issue_cases_are_worded_exactly(name: str) -> None:
    """The issue's hostile inputs are refused at the right place, in the words expected."""
    path = FUZZ / f"{name}.yaml"
    with pytest.raises(DefinitionError) as info:
        load_plan_file(path)
    assert [str(p) for p in info.value.problems] == [f"{path}:{EXPECTED[name]}"]


# Runs a command and writes its peak memory (kB) to a file. The command is started from
# this small process, not from pytest: a child forked from a large pytest process would
# count pytest's own memory in its peak (Linux keeps the high-water mark across exec).
PEAK = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
    "sys.exit(code)"
)


def test_whole_corpus_through_the_installed_command(tmp_path: Path) -> None:
    """The installed ``planflow validate`` on the whole corpus exits 1, names every file,
    prints no traceback and stays under 300 MB."""
    root = _folder(tmp_path, CORPUS)
    out, err, peak = tmp_path / "out.txt", tmp_path / "err.txt", tmp_path / "peak.txt"
    with out.open("w") as stdout, err.open("w") as stderr:
        command = [sys.executable, "-c", PEAK, str(peak), str(PLANFLOW), "validate", "-d", str(root)]
        returncode = subprocess.run(command, stdout=stdout, stderr=stderr, check=False).returncode
    printed = err.read_text(encoding="utf-8")
    assert returncode == 1
    assert "Traceback" not in out.read_text(encoding="utf-8") + printed
    named = {Path(m["file"]).name for line in printed.splitlines() if (m := LOCATED.match(line))}
    assert named == {f.name for f in CORPUS}
    assert int(peak.read_text()) < 300 * 1024  # kilobytes


def _string_keys(data: Any) -> Any:
    """safe_load's data with keys as strings, as the definition loader gives them."""
    if isinstance(data, dict):
        return {str(k): _string_keys(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_string_keys(v) for v in data]
    return data


STRICTER = ("ghi hai lần", "ký tự điều khiển", "lồng quá sâu", "bí danh", "không tồn tại", "thẻ YAML")
"""What the loader refuses although safe_load reads it (or reads it wrongly)."""


@pytest.mark.parametrize("file", DEFINITIONS + VALID + CORPUS, ids=lambda f: f.name)
def test_loader_equals_safe_load(file: Path) -> None:
    """What the loader reads equals ``yaml.safe_load`` (keys as strings), by the fast and the
    slow path alike; what it refuses, safe_load refuses too or reads only by being lenient."""
    try:
        data, source = read_yaml(file)
    except DefinitionError as exc:
        if any(words in str(exc) for words in STRICTER):
            # a deliberate refusal: stands whatever safe_load makes of the file (asking it
            # would be the pure-Python parser recursing 1000 levels into deep-flow.yaml)
            return
        try:
            yaml.load(source_text := file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        except (yaml.YAMLError, ValueError, RecursionError, UnicodeDecodeError):
            return
        assert source_text == "" or source_text.startswith("#"), str(exc)
        return
    text = source.text
    expected = _string_keys(yaml.load(text, Loader=yaml.SafeLoader))
    assert data == expected
    if FAST_LOADER is not None:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        assert node is not None
        assert fast_load(text) == slow_load(node, {}) == expected


def test_merge_keys_validate_as_safe_load_reads_them(tmp_path: Path) -> None:
    """A plan written with merge keys validates, each task getting the merged fields and
    keeping its own."""
    root = _folder(tmp_path, VALID)
    code, _out, err = run_cli("validate", "-d", str(root))
    assert (code, err) == (0, ""), err
    plan = load_definitions(root).plan("merge-keys")
    assert [(t.id, t.title, t.lead, t.support) for t in plan.tasks] == [
        ("ban-hanh", "Ban hành kế hoạch", ["vhxh"], ["kt"]),
        ("tuyen-truyen", "Tuyên truyền", ["vhxh"], ["kt"]),
        ("tong-ket", "Tổng kết", ["vhxh"], ["kt"]),
    ]


_TOKENS = [
    "\x00", "\x1b", "\ufffe", "&a ", "*a", "<<: *a\n", "<<: 5\n", "2025-02-29", "0000-00-00", "[",
    "]", "{", "}", ": ", "- ", "\t", "!!python/name:os.system ", "!x ", "'", '"', "\\0", "? ",
    "---\n", "\n  ", "title: lặp\n", ".inf", "9" * 40, "a" * 300,
]  # fmt: skip
"""Pieces that YAML and the schema treat specially, spliced into a valid plan."""


# No deadline: a time limit per example fails on a loaded machine and measures nothing the
# bench does not (bench/inputs.py: validate_hostile, 2 s per file as its target).
@settings(max_examples=72, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.floats(0, 1), st.sampled_from(_TOKENS), st.integers(0, 3)), max_size=6))
def test_mutated_definitions_never_crash(tmp_path: Path, edits: list[tuple[float, str, int]]) -> None:
    """A valid plan with pieces spliced in or cut out either loads or is refused with
    located problems: never another exception."""
    path = tmp_path / "plans" / "demo-2026.yaml"
    text = yaml.safe_dump(demo_plan(), allow_unicode=True, sort_keys=False)
    for where, token, cut in edits:
        at = int(where * len(text))
        text = text[:at] + token + text[at + cut :]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_plan_file(path)
    except DefinitionError as exc:
        assert exc.problems
        assert all(p.line >= 1 and p.column >= 1 and p.message for p in exc.problems)


def _at_the_limits() -> tuple[dict[str, Any], dict[str, Any]]:
    """The demo plan with every id, label and number as long as the schema allows."""
    long_id = "x" * 99 + "1"
    plan = demo_plan(id=long_id, document_number="9" * 116 + "/KH")
    plan["tasks"][0].update(id="t" * 100, label="I." * 30)
    plan["tasks"][2]["depends_on"] = ["t" * 100]
    plan["reports"][0]["id"] = "r" * 100
    units = {**DEMO_UNITS, "id": "d" * 100}
    units["units"] = [{**u, "id": u["id"] + "u" * (100 - len(u["id"]))} for u in DEMO_UNITS["units"]]
    rename = {u["id"]: u["id"] + "u" * (100 - len(u["id"])) for u in DEMO_UNITS["units"]}
    for unit in units["units"]:
        if "parent" in unit:
            unit["parent"] = rename[unit["parent"]]
    plan["units"] = units["id"]
    for task in plan["tasks"]:
        task["lead"] = [rename.get(x, x) for x in task["lead"]]
        task["support"] = [rename.get(x, x) for x in task.get("support", [])]
    report = plan["reports"][0]
    report["compiler"] = rename["vhxh"]
    report["inputs"][0]["units"] = [rename["kt"], rename["hcc"]]
    plan["standing_unit"] = rename["vhxh"]
    return plan, units


def test_what_validates_at_the_limits_syncs(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    """A plan whose ids, label and document number are as long as validation allows
    syncs on SQLite and on PostgreSQL (which refuses values longer than its columns)."""
    plan, units = _at_the_limits()
    root = write_definitions(tmp_path / "limits", plan, DEMO_UNITS)
    write_yaml(root / "units" / f"{units['id']}.yaml", units)
    (root / "units" / "demo.yaml").unlink()
    code, _out, err = run_cli("validate", "-d", str(root))
    assert code == 0, err
    with sessions() as s, s.begin():
        (result,) = sync_definitions(
            load_definitions(root), [plan["id"]], session=s, now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
        )
    assert result.added > 0
