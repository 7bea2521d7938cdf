"""Split a check into chunks of plans, and add the chunks' outcomes back together.

A large check (a province, a ministry) fans out in chunks of a bounded number of plans,
each one transaction run by whichever worker is free. A chunk holds whole unit
directories where it can: recipients are namespaced by directory, so a unit's digest
stays one message. A directory with more plans than a chunk holds is cut into chunks
of its own (its units then get one digest per chunk).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from planflow.escalation import in_heading_order

DEFAULT_CHUNK_PLANS = 100


def plan_chunks(directory_of: Mapping[str, str], size: int = DEFAULT_CHUNK_PLANS) -> list[list[str]]:
    """Plan ids in chunks of at most ``size`` plans, by directory then plan id."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, got {size}")
    by_directory: dict[str, list[str]] = {}
    for plan_id in sorted(directory_of):
        by_directory.setdefault(directory_of[plan_id], []).append(plan_id)
    chunks: list[list[str]] = []
    current: list[str] = []
    for directory in sorted(by_directory):
        plans = by_directory[directory]
        if current and len(current) + len(plans) > size:
            chunks.append(current)
            current = []
        if len(plans) > size:
            chunks += [plans[i : i + size] for i in range(0, len(plans), size)]
            continue
        current += plans
    if current:
        chunks.append(current)
    return chunks


def add_delivery(total: dict[str, Any] | None, part: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Two delivery reports as one: the counts added up."""
    if part is None:
        return total
    if total is None:
        return dict(part)
    merged = dict(total)
    for key, value in part.items():
        if isinstance(value, int) and not isinstance(value, bool) and isinstance(merged.get(key), int):
            merged[key] += value
    return merged


def merge_outcomes(outcomes: Sequence[Mapping[str, Any]], order: Iterable[str]) -> dict[str, Any]:
    """The chunks' outcomes as one check's: plans in ``order``, counts added up."""
    plans = {p["plan"]: p for o in outcomes for p in o["plans"]}
    by_step: Counter[str] = Counter()
    by_heading: Counter[str] = Counter()
    delivery: dict[str, Any] | None = None
    for outcome in outcomes:
        by_step.update(outcome["notices_by_step"])
        by_heading.update(outcome.get("notices_by_heading", {}))
        delivery = add_delivery(delivery, outcome.get("delivery"))
    return {
        "plans": [plans[p] for p in order if p in plans],
        "notices": sum(o["notices"] for o in outcomes),
        "notices_by_step": dict(sorted(by_step.items())),
        "notices_by_heading": in_heading_order(by_heading),
        "queued": sum(o["queued"] for o in outcomes),
        "overdue": sum(o["overdue"] for o in outcomes),
        "delivery": delivery,
    }
