"""Split a check into chunks of plans (their results are added back together by
``planflow.flows.results.CheckPlansResult.merge``).

A large check (a province, a ministry) fans out in chunks of a bounded number of plans,
each one transaction run by whichever worker is free. A chunk holds whole unit
directories where it can: recipients are namespaced by directory, so a unit's digest
stays one message. A directory with more plans than a chunk holds is cut into chunks
of its own (its units then get one digest per chunk).
"""

from __future__ import annotations

from collections.abc import Mapping

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
