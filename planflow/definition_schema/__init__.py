"""The definition format as a JSON Schema, generated from the models of ``planflow.schema``.

One schema covers both documents of a definitions folder: a plan (``plans/<id>.yaml``) or
a unit directory (``units/<id>.yaml``), as ``anyOf`` (they cannot be confused: a plan's
``units`` is a directory id, a directory's a list), so one ``# yaml-language-server:
$schema=…`` line works in either file. Every key carries a description in Vietnamese and
English and examples (``planflow.definition_schema.docs``); ``when:`` is described in the
forms people write (``planflow.when.coerce``), not the canonical form it becomes. JSON
Schema draft-07, which the YAML language server and the ``jsonschema`` library both read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pydantic.json_schema import models_json_schema

from planflow.definition_schema import docs
from planflow.schema import Plan, UnitDirectory

DRAFT = "http://json-schema.org/draft-07/schema#"
_WHEN_FIELDS = {"Task": False, "ReportObligation": False, "ReportInput": True}  # model: optional
_WHEN_FORMS = [["date"], ["from", "to"], ["by"], ["month"], ["quarter"], ["every"], ["ongoing"], ["event"]]
_CANONICAL = ["day", "window", "deadline", "month", "quarter", "recurring", "ongoing", "event"]


class UndocumentedField(Exception):
    """Raised when a field of the definition models has no entry in ``docs.FIELDS`` (or an
    entry names a field the models do not have)."""


def describe(doc: docs.Doc | tuple[str, str]) -> str:
    """``Vietnamese — English``."""
    return f"{doc[0]} — {doc[1]}"


def definition_schema() -> dict[str, Any]:
    """The JSON Schema of a definition file (plan or unit directory)."""
    _, raw = models_json_schema([(Plan, "validation"), (UnitDirectory, "validation")])
    defs: dict[str, Any] = raw["$defs"]
    for name, fields in docs.FIELDS.items():
        _document_model(name, defs[name], fields)
    for name, (vi, en) in docs.ENUMS.items():
        defs[name]["description"] = describe((vi, en))
        defs[name].pop("title", None)
    for name, optional in _WHEN_FIELDS.items():
        prop = defs[name]["properties"]["when"]
        ref: dict[str, Any] = {"$ref": "#/$defs/When"}
        kept = {k: prop[k] for k in ("description", "examples", "default") if k in prop}
        prop.clear()
        prop.update({"anyOf": [ref, {"type": "null"}]} if optional else {"allOf": [ref]}, **kept)
    defs.update(_when_defs())
    schema = {
        "$schema": DRAFT,
        "title": "planflow: kế hoạch hoặc danh mục đơn vị — a plan or a unit directory",
        "description": describe(
            (
                "File định nghĩa của planflow: definitions/plans/<id>.yaml (Kế hoạch) hoặc "
                "definitions/units/<id>.yaml (danh mục đơn vị). "
                "Tạo lại bằng: planflow schema -o planflow.schema.json",
                "a planflow definition file; regenerate with: planflow schema -o planflow.schema.json",
            )
        ),
        "anyOf": [{"$ref": "#/$defs/Plan"}, {"$ref": "#/$defs/UnitDirectory"}],
        "$defs": defs,
    }
    schema["$defs"] = {name: defs[name] for name in sorted(_reachable(schema))}
    wrapped: dict[str, Any] = _wrap_refs(schema)
    return wrapped


def schema_text() -> str:
    """The schema as the file kept in the repository (``planflow.schema.json``)."""
    return json.dumps(definition_schema(), ensure_ascii=False, indent=2) + "\n"


def _document_model(name: str, schema: dict[str, Any], fields: dict[str, docs.Doc]) -> None:
    properties: dict[str, Any] = schema["properties"]
    missing = sorted(set(properties) - set(fields))
    unknown = sorted(set(fields) - set(properties))
    if missing or unknown:
        raise UndocumentedField(
            f"{name}: thiếu mô tả cho {missing or '-'}, mô tả thừa cho {unknown or '-'} "
            "(planflow/definition_schema/docs.py)"
        )
    schema["description"] = describe(docs.MODELS[name])
    schema.pop("title", None)
    for key, doc in fields.items():
        prop = properties[key]
        prop.pop("title", None)
        prop["description"] = describe(doc)
        prop["examples"] = doc[2]


def _keys(table: dict[str, tuple[dict[str, Any], docs.Doc]]) -> dict[str, Any]:
    return {
        key: {**schema, "description": describe(doc), "examples": doc[2]}
        for key, (schema, doc) in table.items()
    }


def _when_defs() -> dict[str, Any]:
    text, en, examples = docs.WHEN_STRING
    return {
        "When": {
            "description": describe(docs.MODELS["When"]),
            "anyOf": [
                {"type": "string", "minLength": 1, "description": describe((text, en)), "examples": examples},
                {
                    "type": "object",
                    "description": describe(("Dạng bảng khoá: giá trị", "the mapping forms")),
                    "properties": _keys(docs.WHEN_KEYS),
                    "additionalProperties": False,
                    "anyOf": [{"required": keys} for keys in _WHEN_FORMS],
                },
                {
                    "type": "object",
                    "description": describe(("Dạng chuẩn có 'kind'", "the canonical form, with kind")),
                    "properties": {"kind": {"enum": _CANONICAL}},
                    "required": ["kind"],
                },
            ],
        },
        "WhenDue": {
            "type": "object",
            "description": describe(("Hạn của mỗi kỳ", "when each period is due")),
            "properties": _keys(docs.WHEN_DUE_KEYS),
            "additionalProperties": False,
        },
        "WhenOngoing": {
            "type": "object",
            "description": describe(("Khoảng thời gian thường xuyên", "the span of an ongoing item")),
            "properties": _keys(docs.WHEN_ONGOING_KEYS),
            "additionalProperties": False,
        },
        "Frequency": {
            "type": "object",
            "description": describe(("Số lần mỗi kỳ", "how many times per period")),
            "properties": _keys(docs.FREQUENCY_KEYS),
            "required": ["min", "unit"],
            "additionalProperties": False,
        },
    }


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref.rsplit("/", 1)[-1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _reachable(schema: dict[str, Any]) -> set[str]:
    defs = schema["$defs"]
    seen: set[str] = set()
    todo = list(_refs({k: v for k, v in schema.items() if k != "$defs"}))
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_refs(defs[name]))
    return seen


def _wrap_refs(node: Any) -> Any:
    """Draft-07 ignores the keywords beside a ``$ref``: one with a description, a default
    or examples becomes ``allOf: [{$ref}]`` with them."""
    if isinstance(node, dict):
        out = {key: _wrap_refs(value) for key, value in node.items()}
        if "$ref" in out and len(out) > 1:
            ref = out.pop("$ref")
            out = {"allOf": [{"$ref": ref}], **out}
        return out
    if isinstance(node, list):
        return [_wrap_refs(value) for value in node]
    return node
