"""``planflow validate`` and ``planflow compile``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from planflow import vnformat as vn
from planflow.cli.common import (
    DefinitionsOption,
    JsonOption,
    add_columns,
    console,
    definitions,
    err_console,
    handled,
    keep_whole,
    print_json,
    settings,
)
from planflow.compiler import check_plan
from planflow.errors import DefinitionError, Problem
from planflow.loader import definitions_root, load_definitions
from planflow.sync.definitions import compile_definition
from planflow.sync.readiness import REVIEW_MARK, readiness, review_marks
from planflow.units import UnitIndex


def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="File hoặc thư mục định nghĩa (mặc định: cả thư mục định nghĩa).", show_default=False
        ),
    ] = None,
    definitions_dir: DefinitionsOption = None,
    as_json: JsonOption = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Chỉ nhận định nghĩa sẵn sàng dùng thật: không còn dấu KIỂM TRA, mọi đơn vị, "
            "nơi nhận và người ký có e-mail (mặc định: PLANFLOW_STRICT).",
        ),
    ] = False,
) -> None:
    """Kiểm tra file định nghĩa: cú pháp, lược đồ, đơn vị, phụ thuộc, ngày tháng.

    Lỗi in dạng file:dòng:cột: thông báo; mã thoát 1 nếu có lỗi. Với --strict, cả những gì
    bản nháp của `planflow import` còn chờ rà soát.

    Ví dụ: planflow validate --strict definitions/plans/loc-tan-2026.yaml
    """
    with handled():
        config = settings(definitions_dir)
        strict = strict or config.strict
        targets = [p.resolve() for p in (paths or [config.definitions])]
        for path in targets:
            if not path.exists():
                raise DefinitionError([Problem(str(path), 1, 1, "không có file hay thư mục này")])
            if path.is_file() and path.suffix not in (".yaml", ".yml"):
                raise DefinitionError([Problem(str(path), 1, 1, "không phải file định nghĩa .yaml")])
        root = definitions_root(targets) or config.definitions
        problems: list[Problem] = []
        unready: list[Problem] = []
        defs = load_definitions(root, collect=problems)
        checked = 0
        for loaded in defs.plans.values():
            if not _selected(loaded.source.path.resolve(), targets):
                continue
            checked += 1
            plan = loaded.plan
            if plan.units not in defs.directories:
                problems.append(
                    loaded.source.problem(
                        ("units",),
                        f"không có danh mục đơn vị '{plan.units}' ({root}/units/{plan.units}.yaml)",
                    )
                )
                continue
            if plan.parent_plan and plan.parent_plan not in defs.plans:
                problems.append(
                    loaded.source.problem(
                        ("parent_plan",), f"không có kế hoạch cha '{plan.parent_plan}' trong {root}/plans"
                    )
                )
            for issue in check_plan(plan, UnitIndex(defs.directories[plan.units])):
                problems.append(loaded.source.problem(issue.loc, issue.message))
            if strict:
                unready += readiness(defs, plan.id)  # its directory's problems too, wherever it is
        problems = [p for p in problems if _selected(Path(p.path).resolve(), targets)]
        if strict:
            sources = [s for s in defs.directory_sources.values() if _selected(s.path.resolve(), targets)]
            unready += [p for source in sources for p in review_marks(source)]
            problems = list(dict.fromkeys(problems + unready))
        checked += sum(1 for s in defs.directory_sources.values() if _selected(s.path.resolve(), targets))
        if as_json:
            print_json({"ok": not problems, "files": checked, "problems": [p.__dict__ for p in problems]})
        else:
            for problem in problems:
                err_console.print(str(problem), markup=False)
            if not problems and checked == 0:
                problems.append(
                    Problem(
                        str(targets[0]),
                        1,
                        1,
                        "không có file định nghĩa nào (cần plans/<id>.yaml hoặc units/<id>.yaml)",
                    )
                )
                err_console.print(str(problems[0]), markup=False)
            elif not problems:
                console.print(
                    f"Hợp lệ: {checked} file định nghĩa{' (kiểm tra nghiêm ngặt)' if strict else ''}."
                )
            elif unready:
                err_console.print(
                    f"Chưa sẵn sàng dùng thật: {len(set(unready))} chỗ cần rà soát "
                    f"(dấu {REVIEW_MARK}, e-mail còn thiếu).",
                    markup=False,
                )
        if problems:
            raise typer.Exit(1)


def _selected(path: Path, targets: list[Path]) -> bool:
    return any(path == t or t in path.parents for t in targets)


def compile_(
    plan_id: Annotated[str, typer.Argument(metavar="PLAN", help="Id kế hoạch.")],
    definitions_dir: DefinitionsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Biên dịch một kế hoạch: in bảng các lần thực hiện (occurrence) với hạn và phụ thuộc.

    Ví dụ: planflow compile loc-tan-2026
    """
    with handled():
        compiled = compile_definition(definitions(settings(definitions_dir)), plan_id)
        if as_json:
            print_json(
                [
                    {
                        "key": o.key, "item": o.item_id, "kind": o.kind.value, "timing": o.timing.value,
                        "label": o.label, "title": o.title, "period": o.period,
                        "start": o.start.isoformat() if o.start else None,
                        "due": o.due.isoformat() if o.due else None,
                        "lead": list(o.lead), "support": list(o.support),
                        "depends_on": list(o.depends_on), "when": o.when_text,
                    }
                    for o in compiled.occurrences
                ]
            )  # fmt: skip
            return
        table = Table(title=f"{compiled.plan.id}: {len(compiled.occurrences)} lần thực hiện")
        add_columns(table, "Khóa", "Loại", "Chủ trì", "Bắt đầu", "Hạn", "Phụ thuộc")
        keep_whole(table, 0, (o.key for o in compiled.occurrences))
        for o in compiled.occurrences:
            table.add_row(
                o.key, vn.KIND_LABELS.get(o.kind.value, o.kind.value), ", ".join(o.lead), vn.day(o.start),
                vn.day(o.due) if o.due else vn.undated(o.timing.value),
                str(len(o.depends_on)) if o.depends_on else "",
            )  # fmt: skip
        console.print(table)
