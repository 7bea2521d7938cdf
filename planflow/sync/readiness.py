"""What keeps a valid definition from going live: review marks, and people with no address.

A draft made by ``planflow import`` validates, but it still carries the importer's doubts
("# KIỂM TRA: …" comments) and units with no e-mail: synced as it is, it would chase the
wrong people on guessed dates, or nobody. ``planflow validate --strict`` lists all of it,
and a store set to strict (``PLANFLOW_STRICT=true``, for production) refuses to sync such
a plan, so an unreviewed draft cannot go live by accident.

A unit has an address when it has ``emails``, or when it is a group whose every member
has one (escalations reach a group through its members). A superior or outside unit
(``planflow.relations``) needs one only when the plan sends coordination requests.
"""

from __future__ import annotations

import re

from planflow.compiler import unit_refs
from planflow.errors import Problem
from planflow.loader import Definitions, LoadedPlan, SourceMap
from planflow.relations import unit_relations
from planflow.schema import Unit
from planflow.units import UnitIndex, unaccountable_leads

REVIEW_MARK = "KIỂM TRA"
"""The word that opens every doubt the importer writes into a draft ("# KIỂM TRA: …"), or
ends a comment it flags ("… triệu đồng — KIỂM TRA")."""
# not a heading ("… ĐÁNH GIÁ, KIỂM TRA, BÁO CÁO …"), nor the draft's note on the marks ("“# KIỂM TRA: …”")
_MARK = re.compile(rf"(?<!“# )\b{REVIEW_MARK}(?::|\s*$)")


def review_marks(source: SourceMap) -> list[Problem]:
    """Every comment of the file that still holds a review mark, with the note it carries."""
    lines = source.text.splitlines()
    problems: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        note = line.lstrip()
        if not (note.startswith("#") and _MARK.search(note)):
            continue
        indent = len(line) - len(note)
        parts = [note.lstrip("# ")]
        for following in lines[number:]:  # the note goes on over the next comment lines
            rest = following.lstrip()
            if len(following) - len(rest) != indent or not rest.startswith("#") or _MARK.search(rest):
                break
            parts.append(rest.lstrip("# "))
        problems.append(
            Problem(
                str(source.path),
                number,
                indent + 1,
                f"còn dấu “{REVIEW_MARK}” chưa xử lý — {' '.join(parts)} — kiểm tra, sửa theo ghi chú "
                "rồi xoá dòng ghi chú này",
            )
        )
    return problems


def _has_address(unit: Unit, index: UnitIndex) -> bool:
    if unit.emails:
        return True
    members = [index.by_id[m] for m in unit.members if m in index.by_id]
    return bool(members) and all(m.emails for m in members)


def unreachable(loaded: LoadedPlan, defs: Definitions) -> list[Problem]:
    """The signer, units and outside recipients of a plan that no e-mail can reach."""
    plan, source = loaded.plan, loaded.source
    problems: list[Problem] = []
    if plan.signer.email is None:
        problems.append(
            source.problem(
                ("signer",),
                f"người ký {plan.signer.name} chưa có e-mail: thêm 'email:' dưới 'signer:' để nhận "
                "báo cáo và leo thang",
            )
        )
    for r, report in enumerate(plan.reports):
        for i, recipient in enumerate(report.recipients):
            if recipient.name is not None and not recipient.emails:
                problems.append(
                    source.problem(
                        ("reports", r, "recipients", i),
                        f"nơi nhận '{recipient.name}' chưa có e-mail: thêm 'emails:' hoặc dùng 'unit:' "
                        "của danh mục",
                    )
                )
    directory = defs.directories.get(plan.units)
    directory_source = defs.directory_sources.get(plan.units)
    if directory is None or directory_source is None:
        return problems  # the plain validation already says the directory is missing
    index = UnitIndex(directory)
    position = {u.id: i for i, u in enumerate(directory.units)}
    relations = unit_relations(directory)
    seen: set[str] = set()
    for loc, ref in unit_refs(plan):
        unit = index.find(ref)
        if unit is None or unit.id in seen or _has_address(unit, index):
            continue
        if not (relations[unit.id].directed or plan.coordination):
            continue  # never written to: a superior or outside body, and no coordination asked
        seen.add(unit.id)
        line, _ = source.locate(loc)
        problems.append(
            directory_source.problem(
                ("units", position[unit.id]),
                f"đơn vị '{unit.id}' ({unit.name}) chưa có e-mail mà kế hoạch '{plan.id}' cần đến "
                f"({source.path}:{line}): thêm 'emails:' cho đơn vị này",
            )
        )
    return problems


def review_notes(loaded: LoadedPlan) -> list[Problem]:
    """The ``review:`` notes of tasks and reports: doubts the definition keeps open on purpose
    (shown with the item everywhere), still to confirm before the plan goes live."""
    plan, source = loaded.plan, loaded.source
    items = [("tasks", i, t.review) for i, t in enumerate(plan.tasks)]
    items += [("reports", i, r.review) for i, r in enumerate(plan.reports)]
    return [
        source.problem(
            (kind, i, "review"),
            f"còn ghi chú “{REVIEW_MARK}”: {note} — xác nhận hoặc sửa rồi xoá 'review:'",
        )
        for kind, i, note in items
        if note
    ]


def unaccountable(loaded: LoadedPlan, defs: Definitions) -> list[Problem]:
    """Tasks whose every lead is a collective with no named members ("Các cơ quan, đơn vị
    thuộc xã"): a reminder to such a group reaches nobody who answers for the task."""
    directory = defs.directories.get(loaded.plan.units)
    if directory is None:
        return []
    found = unaccountable_leads(loaded.plan, directory)
    problems = []
    for t, task in enumerate(loaded.plan.tasks):
        if task.id in found:
            names = ", ".join(u.name for u in found[task.id])
            problems.append(
                loaded.source.problem(
                    ("tasks", t, "lead"),
                    f"nhiệm vụ '{task.id}' do “{names}” chủ trì — một tập thể không nêu thành viên, "
                    "không ai chịu trách nhiệm: giao cho một đơn vị cụ thể (hoặc nêu 'members:' "
                    "của nhóm trong danh mục)",
                )
            )
    return problems


def readiness(defs: Definitions, plan_id: str) -> list[Problem]:
    """Everything to settle before plan ``plan_id`` may go live: review marks in its file and
    its unit directory, its ``review:`` notes, tasks nobody answers for, and whom no e-mail
    reaches."""
    loaded = defs.plans.read(plan_id)
    problems = review_marks(loaded.source) + review_notes(loaded)
    directory_source = defs.directory_sources.get(loaded.plan.units)
    if directory_source is not None:
        problems += review_marks(directory_source)
    return problems + unaccountable(loaded, defs) + unreachable(loaded, defs)
