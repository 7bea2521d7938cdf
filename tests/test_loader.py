"""Definition files: every problem reported with file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from planflow.errors import DefinitionError
from planflow.loader import load_plan_file
from tests.factories import demo_plan, write_yaml

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "plans" / "demo-2026.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_plan_file(path)
    return [f"{Path(p.path).name}:{p.line}:{p.column}: {p.message}" for p in info.value.problems]


def test_yaml_syntax_error_has_position(tmp_path: Path) -> None:
    """A YAML syntax error points at its line and column."""
    (problem,) = _problems(tmp_path, "id: demo-2026\ntitle: [unclosed\n")
    assert problem.startswith("demo-2026.yaml:3:1: lỗi cú pháp YAML:")


def test_schema_errors_are_all_listed_with_positions(tmp_path: Path) -> None:
    """Every schema problem is listed at once, at the line of the offending value."""
    plan = demo_plan()
    plan["tasks"][0]["when"] = "Quý VI/2026"
    plan["tasks"][1]["lead"] = []
    plan["tasks"][2]["budjet"] = 5
    del plan["signer"]
    path = write_yaml(tmp_path / "plans" / "demo-2026.yaml", plan)
    problems = _problems(tmp_path, path.read_text(encoding="utf-8"))
    assert problems == [
        "demo-2026.yaml:1:1: signer: thiếu trường bắt buộc",
        "demo-2026.yaml:15:9: tasks[0].when: 'Quý VI/2026': quý VI không tồn tại, "
        "một năm chỉ có quý I, II, III, IV",
        "demo-2026.yaml:18:9: tasks[1].lead: không được để trống",
        "demo-2026.yaml:35:11: tasks[2].budjet: 'budjet' trường không được phép (viết sai tên?); "
        "có phải ý bạn là 'budget'?",
    ]


def test_id_must_match_file_name(tmp_path: Path) -> None:
    """A plan's id is its file name, so commands can find it."""
    path = write_yaml(tmp_path / "plans" / "other.yaml", demo_plan())
    with pytest.raises(DefinitionError) as info:
        load_plan_file(path)
    assert str(info.value.problems[0]).endswith("id: id 'demo-2026' phải trùng tên file 'other'")


def test_not_utf8(tmp_path: Path) -> None:
    """A file in another encoding is refused with advice."""
    path = tmp_path / "plans" / "demo-2026.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes("title: Kế hoạch".encode("utf-16"))
    with pytest.raises(DefinitionError, match="không phải UTF-8"):
        load_plan_file(path)
