"""What an import found, for the person reviewing it: counts, fields filled, doubts,
warnings and new units, as a mapping (``--report-json``) or Vietnamese lines (stderr)."""

from __future__ import annotations

from typing import Any

from planflow.importer.draft import PlanDraft
from planflow.importer.emit import CHECK, Draft, times_to_review

_FIELD_NAMES = {
    "lead": "chủ trì",
    "support": "phối hợp",
    "when": "thời gian",
    "targets": "chỉ tiêu",
    "budget": "kinh phí",
    "venue": "địa điểm",
    "participants": "thành phần",
    "audience": "đối tượng",
    "modality": "hình thức",
}


def summary(draft: PlanDraft, written: Draft, output: str | None, units_file: str | None) -> dict[str, Any]:
    tasks = draft.tasks
    filled = {
        "lead": sum(1 for t in tasks if t.lead),
        "support": sum(1 for t in tasks if t.support),
        "when": sum(1 for t in tasks if t.time is not None and t.time.when is not None),
        "targets": sum(1 for t in tasks if t.targets),
        "budget": sum(1 for t in tasks if t.budget is not None),
        "venue": sum(1 for t in tasks if t.venue),
        "participants": sum(1 for t in tasks if t.participants),
        "audience": sum(1 for t in tasks if t.audience),
        "modality": sum(1 for t in tasks if t.modality),
    }
    return {
        "source": draft.source,
        "kind": draft.kind,
        "plan_id": written.plan_id,
        "output": output,
        "units": written.units.directory.id,
        "units_file": units_file,
        "tasks": {
            "total": len(tasks),
            "body": sum(1 for t in tasks if t.source == "body"),
            "appendix": sum(1 for t in tasks if t.source == "appendix"),
            "both": sum(1 for t in tasks if t.source == "both"),
        },
        "reports": len(draft.reports),
        "fields": filled,
        "checks": written.text.count(f"# {CHECK}:"),
        "times_to_review": times_to_review(draft),
        "warnings": list(draft.warnings),
        "new_units": [{"id": u.id, "name": u.name, "kind": u.kind.value} for u in written.units.new],
        "budget_total": float(draft.budget_total) if draft.budget_total is not None else None,
        "budget_groups": [
            {"group": c.label, "title": c.title, "stated": float(c.stated), "rows": float(c.rows_sum)}
            for c in draft.budget_checks
        ],
    }


def summary_lines(data: dict[str, Any]) -> list[str]:
    tasks = data["tasks"]
    lines = [
        f"Đã đọc {data['source']} ({data['kind']}): {tasks['total']} nhiệm vụ "
        f"({tasks['body']} trong thân văn bản, "
        f"{tasks['appendix']} từ phụ lục, {tasks['both']} gộp từ cả hai), {data['reports']} báo cáo.",
        "Trường đã điền: "
        + ", ".join(f"{_FIELD_NAMES[k]} {v}/{tasks['total']}" for k, v in data["fields"].items() if v)
        + ".",
        f"Cần kiểm tra: {data['checks']} chỗ, đánh dấu “# {CHECK}” trong bản nháp.",
    ]
    if data["times_to_review"]:
        lines.append(
            f"Thời gian chưa hiểu hết: {data['times_to_review']} chỗ, giữ nguyên lời văn và chưa đặt hạn; "
            "hãy ghi lại trước khi dùng."
        )
    if data["budget_total"] is not None:
        lines.append(
            f"Kinh phí: {data['budget_total']:g} triệu đồng; "
            f"{len(data['budget_groups'])} nhóm đã cộng kiểm tra."
        )
    if data["new_units"]:
        where = f" (thêm vào {data['units_file']})" if data["units_file"] else ""
        names = "; ".join(f"{u['id']}: {u['name']}" for u in data["new_units"])
        lines.append(f"Đơn vị mới {len(data['new_units'])}{where}: {names}.")
    if data["warnings"]:
        lines.append("Cảnh báo:")
        lines += [f"  - {w}" for w in data["warnings"]]
    if data["output"]:
        lines.append(
            f"Đã ghi bản nháp: {data['output']}. "
            f"Rà soát rồi chạy: planflow validate --strict {data['output']}"
        )
    return lines
