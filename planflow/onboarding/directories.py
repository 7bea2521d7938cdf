"""Bring the checked rows of a spreadsheet into the unit directories of a definitions folder.

A commune without a directory gets a new ``units/<id>.yaml``; an existing one is updated
in place (its comments, order and the units the sheet does not name are kept): a unit of
the sheet replaces what its filled cells say (name, kind, relation, parent, e-mails,
aliases, head) and keeps everything else; an empty cell changes nothing. Every directory
is checked by the model and by the loader before anything is written, and then all files
are written or none.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from planflow.errors import DefinitionError, SheetError
from planflow.loader import load_directory_file
from planflow.onboarding.sheet import UnitRow
from planflow.schema import UnitDirectory

State = Literal["created", "updated", "unchanged"]

_FIELD_COLUMNS = {"name": "name", "kind": "kind", "relation": "relation", "parent": "parent",
                  "emails": "emails", "head": "head", "aliases": "aliases", "id": "unit_id"}  # fmt: skip


@dataclass
class DirectoryChange:
    """What an import does to one commune's directory."""

    directory_id: str
    name: str
    path: Path
    state: State
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # what changes in each changed unit
    kept: int = 0
    text: str | None = None  # the new file, when it changes
    original: str | None = None  # the file before, when there was one


def plan_import(rows: list[UnitRow], definitions: Path, source: str) -> list[DirectoryChange]:
    """What importing ``rows`` would change, one entry per commune, checked; SheetError if
    anything would not validate (nothing is written here)."""
    problems: list[str] = []
    changes = []
    units_dir = definitions / "units"
    for directory_id, group in _by_directory(rows).items():
        path = units_dir / f"{directory_id}.yaml"
        change = _merge(directory_id, group, path, source, problems)
        if change is not None:
            changes.append(change)
    if not problems:
        problems.extend(_loader_check([c for c in changes if c.text is not None]))
    if problems:
        raise SheetError(source, problems)
    return changes


def write_changes(changes: Iterable[DirectoryChange]) -> int:
    """Write every changed directory, or none: each file is written beside its target and
    moved into place; if a move fails, the files already moved are put back."""
    pending = [c for c in changes if c.text is not None]
    if not pending:
        return 0
    units_dir = pending[0].path.parent
    units_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".planflow-units-", dir=units_dir))
    moved: list[DirectoryChange] = []
    try:
        for change in pending:
            (staging / change.path.name).write_text(change.text or "", encoding="utf-8")
        try:
            for change in pending:
                os.replace(staging / change.path.name, change.path)
                moved.append(change)
        except OSError:
            for change in moved:
                if change.original is None:
                    change.path.unlink(missing_ok=True)
                else:
                    change.path.write_text(change.original, encoding="utf-8")
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return len(pending)


def _by_directory(rows: list[UnitRow]) -> dict[str, list[UnitRow]]:
    groups: dict[str, list[UnitRow]] = {}
    for row in rows:
        groups.setdefault(row.directory_id, []).append(row)
    return groups


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)  # "units:\n  - id: …", as the directories are written
    yaml.width = 4096  # never fold a long name onto two lines
    yaml.preserve_quotes = True
    return yaml


def _merge(
    directory_id: str, rows: list[UnitRow], path: Path, source: str, problems: list[str]
) -> DirectoryChange | None:
    original = path.read_text(encoding="utf-8") if path.is_file() else None
    if original is not None:
        try:
            load_directory_file(path)
        except DefinitionError as exc:
            problems.append(
                f"{path}: danh mục hiện có không hợp lệ ({exc.problems[0]}); sửa file này trước "
                f"(planflow validate {path})"
            )
            return None
        data = _yaml().load(original)
    else:
        data = _new_directory(directory_id, rows[0].commune, path, source)
    units: CommentedSeq = data["units"]
    by_id = {str(unit["id"]): unit for unit in units}
    change = DirectoryChange(directory_id, str(data["name"]), path, "unchanged", original=original)
    for row in rows:
        unit = by_id.get(row.unit_id)
        if unit is None:
            unit = by_id[row.unit_id] = CommentedMap(id=row.unit_id)
            units.append(unit)
            _apply(unit, row, new=True)
            change.added.append(row.unit_id)
        else:
            edits = _apply(unit, row, new=False)
            if edits:
                change.changed.append(row.unit_id)
                change.details.extend(f"{row.unit_id}: {edit}" for edit in edits)
    change.kept = len(units) - len(change.added) - len(change.changed)
    if not _valid(data, rows, path, problems):
        return None
    if original is None:
        change.state = "created"
    elif change.added or change.changed:
        change.state = "updated"
    if change.state != "unchanged":
        out = io.StringIO()
        _yaml().dump(data, out)
        change.text = out.getvalue()
    return change


def _new_directory(directory_id: str, commune: str, path: Path, source: str) -> CommentedMap:
    data = CommentedMap(id=directory_id, name=commune, units=CommentedSeq())
    header = [f"Danh mục đơn vị của {commune}, nhập từ {Path(source).name} (planflow units import)."]
    schema = _schema_file(path.parent)
    if schema is not None:
        header.insert(0, f"yaml-language-server: $schema={os.path.relpath(schema, path.parent)}")
    data.yaml_set_start_comment("\n".join(header))
    return data


def _schema_file(units_dir: Path) -> Path | None:
    """planflow.schema.json beside the definitions folder (a repository laid out as this one)."""
    candidate = units_dir.resolve().parent.parent / "planflow.schema.json"
    return candidate if candidate.is_file() else None


def _apply(unit: CommentedMap, row: UnitRow, new: bool) -> list[str]:
    """Write the row's filled cells into ``unit``; what changed (``emails: a → b``)."""
    wanted: dict[str, Any] = {"name": row.name}
    if row.aliases:
        wanted["aliases"] = row.aliases
    kind = row.kind or (row.guessed_kind if new else None)
    if kind is not None:
        wanted["kind"] = kind.value
    if row.relation is not None:
        wanted["relation"] = row.relation.value
    if row.parent:
        wanted["parent"] = row.parent
    if row.emails:
        wanted["emails"] = row.emails
    if row.head:
        wanted["head"] = {**_plain(unit.get("head") or {}), **row.head}
    edits = []
    for key, value in wanted.items():
        before = _plain(unit.get(key))
        if before != value:
            edits.append(f"{key}: {_shown(before)} → {_shown(value)}")
            unit[key] = _node(key, value)
    return edits


def _shown(value: Any) -> str:
    if value is None:
        return "(trống)"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    return str(value)


def _node(key: str, value: Any) -> Any:
    if isinstance(value, list):
        seq = CommentedSeq(value)
        if key == "emails":
            seq.fa.set_flow_style()  # emails: [a@x.example], as the directories write them
        return seq
    if isinstance(value, dict):
        return CommentedMap(value)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value) if value is not None else None


def _valid(data: CommentedMap, rows: list[UnitRow], path: Path, problems: list[str]) -> bool:
    """Check the merged directory with the model; each problem at the row (and column) of
    the unit it is about, else at the file."""
    try:
        UnitDirectory.model_validate(_plain_data(data))
    except ValidationError as exc:
        by_id = {row.unit_id: row for row in rows}
        ids = [str(unit["id"]) for unit in data["units"]]
        for error in exc.errors(include_url=False):
            loc = error["loc"]
            message = str(error["ctx"].get("error", error["msg"])) if "ctx" in error else error["msg"]
            unit_id = ids[loc[1]] if len(loc) > 1 and isinstance(loc[1], int) else None
            named = re.match(r"đơn vị '([^']+)' tham chiếu", message)
            if named:
                unit_id = named[1]
                message += "; ghi mã (cột Mã đơn vị) của một đơn vị cùng xã, hoặc để trống"
            row = by_id.get(unit_id or "")
            column = _FIELD_COLUMNS.get(str(loc[2])) if len(loc) > 2 else ("parent" if named else None)
            where = row.cells.get(column or "name", row.cells["name"]) if row else str(path)
            problems.append(f"{where}: {message}")
        return False
    return True


def _plain_data(data: CommentedMap) -> dict[str, Any]:
    """The directory as plain data (numbers and booleans kept: the model checks them)."""

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        return str(value) if isinstance(value, str) else value

    converted: dict[str, Any] = convert(data)
    return converted


def _loader_check(changes: list[DirectoryChange]) -> list[str]:
    """Each new file as planflow will read it (the loader, not only the model)."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        for change in changes:
            path = Path(folder) / change.path.name
            path.write_text(change.text or "", encoding="utf-8")
            try:
                load_directory_file(path)
            except DefinitionError as exc:
                problems.extend(f"{change.path}: {p.message}" for p in exc.problems)
    return problems
