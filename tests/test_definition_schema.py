"""The JSON Schema of definition files: generated from the models, kept in the repository,
describing every key, and accepting the example definitions (and refusing a wrong key)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from planflow.definition_schema import UndocumentedField, _document_model, definition_schema, schema_text
from planflow.definition_schema.markdown import reference_markdown
from tests.cli.runner import run_cli
from tests.factories import DEMO_UNITS, demo_plan

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)

REPO = Path(__file__).parent.parent
SCHEMA_FILE = REPO / "planflow.schema.json"
REFERENCE = REPO / "docs" / "reference" / "definitions.md"
EXAMPLES = sorted((REPO / "definitions").rglob("*.yaml"))
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def _as_editor_reads(data: Any) -> Any:
    """YAML 1.2 (the language server) reads 2025-10-08 as a string, PyYAML as a date."""
    if isinstance(data, dict):
        return {k: _as_editor_reads(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_as_editor_reads(v) for v in data]
    return data.isoformat() if isinstance(data, dt.date) else data


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def _errors(validator: jsonschema.Draft7Validator, data: Any) -> list[str]:
    return [error.message for error in validator.iter_errors(_as_editor_reads(data))]


def test_schema_file_is_what_the_models_generate() -> None:
    """planflow.schema.json is regenerated whenever the models change."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "planflow.schema.json khác với lược đồ sinh từ các model; chạy: planflow schema -o planflow.schema.json"
    )


def test_reference_page_is_current() -> None:
    """docs/reference/definitions.md is regenerated from the same schema."""
    assert REFERENCE.read_text(encoding="utf-8") == reference_markdown(), (
        "docs/reference/definitions.md đã cũ; chạy: planflow schema --markdown -o docs/reference/definitions.md"
    )


def _properties(node: Any, where: str = "") -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        for key, prop in node.get("properties", {}).items():
            found.append((f"{where}.{key}", prop))
        for key, value in node.items():
            if key != "properties":
                found.extend(_properties(value, f"{where}/{key}"))
        for key, value in node.get("properties", {}).items():
            found.extend(_properties(value, f"{where}.{key}"))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.extend(_properties(value, f"{where}[{i}]"))
    return found


def test_every_key_has_a_bilingual_description_and_valid_examples() -> None:
    """Each key says what it is in Vietnamese and English, and its examples are valid values."""
    schema = definition_schema()
    properties = _properties(schema["$defs"])
    assert len(properties) > 140
    for where, prop in properties:
        if where.endswith(".kind") and "examples" not in prop:
            continue  # the canonical when form's tag: described by its parent
        vietnamese, _, english = prop.get("description", "").partition(" — ")
        assert vietnamese and english, where
        assert prop.get("examples"), where
        for example in prop["examples"]:
            jsonschema.validate(example, {**prop, "$defs": schema["$defs"]}, cls=jsonschema.Draft7Validator)


def test_a_field_without_documentation_stops_the_generation() -> None:
    """A new field cannot ship without its description."""
    node = {"properties": {"id": {}, "ten_moi": {}}}
    with pytest.raises(UndocumentedField, match=r"Unit: thiếu mô tả cho \['ten_moi'\]"):
        _document_model("Unit", node, {"id": ("Mã", "id", ["a"])})


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_name_the_schema_and_validate(path: Path, validator: jsonschema.Draft7Validator) -> None:
    """Every example definition's first line points editors at the schema, which accepts it."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = MODELINE.match(first)
    assert match, (
        f"{path.name}: dòng đầu phải là '# yaml-language-server: $schema=../../planflow.schema.json'"
    )
    assert (path.parent / match[1]).resolve() == SCHEMA_FILE
    assert _errors(validator, yaml.safe_load(path.read_text(encoding="utf-8"))) == []


def test_a_wrong_key_is_flagged(validator: jsonschema.Draft7Validator) -> None:
    """What an editor underlines: a plan's task with 'owner:', a unit with 'email:'."""
    plan = demo_plan()
    plan["tasks"][0]["owner"] = plan["tasks"][0].pop("lead")
    assert _errors(validator, demo_plan()) == []
    assert _errors(validator, plan)  # neither a valid plan nor a unit directory
    task_schema = {"$ref": "#/$defs/Task", "$defs": validator.schema["$defs"]}
    messages = [
        e.message
        for e in jsonschema.Draft7Validator(task_schema).iter_errors(_as_editor_reads(plan["tasks"][0]))
    ]
    assert "'lead' is a required property" in messages
    assert "Additional properties are not allowed ('owner' was unexpected)" in messages
    units = copy.deepcopy(DEMO_UNITS)
    assert _errors(validator, units) == []
    units["units"][0]["email"] = "a@demo.example"
    assert _errors(validator, units)


@pytest.mark.parametrize(
    "when",
    [
        "Trước ngày 05/10/2025",
        {"by": "2025-10-05", "then": "ongoing"},
        {"every": ["quarter", "year"], "due": {"day_of_next_month": 10}},
        {"every": "month", "times": {"min": 2, "unit": "tin"}},
        {"ongoing": {"from": "2025-09-23", "until": "nghiệm thu"}},
        {"kind": "day", "date": "2025-10-08"},
    ],
)
def test_when_forms_people_write_are_accepted(when: Any, validator: jsonschema.Draft7Validator) -> None:
    """The schema describes when: as written (planflow.when.coerce), not its canonical form only."""
    assert _errors(validator, demo_plan(tasks=[{**demo_plan()["tasks"][0], "when": when}])) == []


@pytest.mark.parametrize("when", [{"every": "monthly"}, {"due_date": "2025-10-05"}, {"from": "2025-10-01"}])
def test_wrong_when_forms_are_refused(when: Any, validator: jsonschema.Draft7Validator) -> None:
    """An English cadence, an unknown key, a window without its end."""
    assert _errors(validator, demo_plan(tasks=[{**demo_plan()["tasks"][0], "when": when}]))


def test_command_writes_the_schema_and_the_reference(tmp_path: Path) -> None:
    """planflow schema -o FILE writes the file kept in the repository; --markdown the page."""
    code, out, _ = run_cli("schema", "-o", str(tmp_path / "s.json"))
    assert (code, out) == (0, f"Đã ghi {tmp_path / 's.json'}\n")
    assert (tmp_path / "s.json").read_text(encoding="utf-8") == SCHEMA_FILE.read_text(encoding="utf-8")
    code, out, _ = run_cli("schema", "--markdown")
    assert code == 0
    assert out == REFERENCE.read_text(encoding="utf-8")
