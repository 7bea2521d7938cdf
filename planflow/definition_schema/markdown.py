"""The reference page of the definition format (docs/reference/definitions.md), written
from the same JSON Schema the editors read, so the two never disagree."""

from __future__ import annotations

import json
from typing import Any

from planflow.definition_schema import definition_schema

_ORDER = [
    "Plan", "Signer", "IssuingDecision", "PlanPeriod", "Task", "Target", "When", "WhenDue",
    "WhenOngoing", "Frequency", "ReportObligation", "Recipient", "ReportInput", "EscalationPolicy",
    "EscalationStep", "UnitDirectory", "Unit", "Contact",
]  # fmt: skip

_HEADER = """\
# Định nghĩa kế hoạch và danh mục đơn vị — definition reference

<!-- Tạo tự động, đừng sửa tay — generated, do not edit:
     planflow schema --markdown -o docs/reference/definitions.md -->

Một thư mục định nghĩa có hai loại file YAML — a definitions folder holds two kinds of file:

- `plans/<id>.yaml`: một Kế hoạch ([Plan](#plan)) — a plan;
- `units/<id>.yaml`: danh mục đơn vị của một xã hoặc tỉnh ([UnitDirectory](#unitdirectory)) — a unit
  directory.

Trình soạn thảo có hỗ trợ YAML (VS Code với tiện ích YAML của Red Hat, hoặc bất kỳ trình nào dùng
yaml-language-server) kiểm tra và gợi ý khoá khi gõ nếu dòng đầu file là — editors check and
complete keys as you type with this first line:

```yaml
# yaml-language-server: $schema=../../planflow.schema.json
```

(đường dẫn tương đối từ file tới `planflow.schema.json` ở gốc kho mã — a path relative to the file).
`planflow validate` kiểm tra thêm những gì lược đồ không diễn tả được: mã đơn vị có trong danh
mục, phụ thuộc, ngày tháng có thật — it checks what a schema cannot: unit ids, dependencies, dates.
"""


def reference_markdown() -> str:
    """The reference page, one section per kind of mapping."""
    schema = definition_schema()
    defs: dict[str, Any] = schema["$defs"]
    out = [_HEADER]
    for name in [*_ORDER, *sorted(set(defs) - set(_ORDER))]:
        node = defs.get(name)
        if node is None:
            continue
        out.append(f"\n## {name}\n\n{node.get('description', '')}\n")
        if "enum" in node:
            out.append("Giá trị — values: " + ", ".join(f"`{v}`" for v in node["enum"]) + "\n")
        elif name == "When":
            out.append(_when_section(node))
        else:
            out.append(_table(node))
    return "\n".join(out).rstrip() + "\n"


def _table(node: dict[str, Any]) -> str:
    required = set(node.get("required", []))
    rows = [
        "| Khoá — key | Kiểu — type | Bắt buộc — required | Mô tả — description | Ví dụ — examples |",
        "|---|---|---|---|---|",
    ]
    for key, prop in node.get("properties", {}).items():
        examples = "<br>".join(f"`{_compact(e)}`" for e in prop.get("examples", []))
        rows.append(
            f"| `{key}` | {_type(prop)} | {'có' if key in required else 'không'} | "
            f"{_cell(prop.get('description', ''))} | {examples} |"
        )
    return "\n".join(rows) + "\n"


def _when_section(node: dict[str, Any]) -> str:
    text, mapping, canonical = node["anyOf"]
    lines = [
        f"- Chuỗi — a string: {text['description']}. Ví dụ — e.g. "
        + ", ".join(f"`{e}`" for e in text["examples"]),
        f"- {mapping['description']}, một trong các nhóm khoá — one of the key groups: "
        + "; ".join(" + ".join(f"`{k}`" for k in form["required"]) for form in mapping["anyOf"]),
        f"- {canonical['description']}.",
        "",
    ]
    return "\n".join(lines) + "\n" + _table(mapping)


def _type(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    for combinator in ("allOf", "anyOf"):
        if combinator in prop:
            parts = [_type(p) for p in prop[combinator] if p.get("type") != "null"]
            return " hoặc ".join(parts)
    if "enum" in prop:
        return " \\| ".join(f"`{v}`" for v in prop["enum"])
    kind = prop.get("type", "")
    if kind == "array":
        return f"danh sách — list of {_type(prop.get('items', {}))}"
    if isinstance(kind, list):
        return " \\| ".join(kind)
    if prop.get("format") == "date":
        return "ngày — date"
    return str(kind)


def _compact(value: Any) -> str:
    return _cell(json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
