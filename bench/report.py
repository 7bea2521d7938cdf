"""A results file as Markdown tables (for bench/README.md):
``.venv/bin/python -m bench.report bench/results/bench-….json``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _value(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"
    return f"{value:.0f} {unit}"


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_mb']} MB RAM, {m['platform']}; "
        f"Python {m['python']}, "
        f"SQLite {m['sqlite']}, PostgreSQL {m['postgresql']}, Prefect {m['packages']['prefect']}, SQLAlchemy "
        f"{m['packages']['sqlalchemy']}; commit {m['commit']}; as-of day {report['as_of']}; "
        f"{report['repeat']} runs per measure unless the runs column says otherwise; whole suite "
        f"{report['duration_s'] / 60:.0f} min; load average (1, 5, 15 min) {m.get('load_average')} at the "
        f"start, {m.get('load_average_at_end')} at the end (the machine is shared).",
        "",
        "| measure | store | scale | occurrences | median | runs | all runs | notes |",
        "|---|---|---|---:|---:|---:|---|---|",
    ]
    for f in report["figures"]:
        runs = ", ".join(_value(r, f["unit"]) for r in f["runs"])
        notes = "; ".join(f"{k} {v}" for k, v in f["extra"].items() if k != "totals")
        occurrences = f"{f['occurrences']:,}" if f["occurrences"] else ""
        median = _value(f["median"], f["unit"])
        lines.append(
            f"| {f['measure']} | {f['store']} | {f['scale']} | {occurrences} | {median} "
            f"| {len(f['runs'])} | {runs} | {notes} |"
        )
    lines += ["", "| ratio | store | scale | value |", "|---|---|---|---:|"]
    for r in report["ratios"]:
        extra = (
            f" (naive extrapolated: {r['naive_seconds_extrapolated']:.0f} s)"
            if "naive_seconds_extrapolated" in r
            else ""
        )
        lines.append(f"| {r['ratio']} | {r['store']} | {r['scale']} | {r['value']:.1f}×{extra} |")
    lines += ["", "| target | limit | measured | met |", "|---|---:|---:|---|"]
    for t in report["targets"]:
        lines.append(
            f"| {t['target']} | {t['limit']:g} | {t['value']:.2f} | {'yes' if t['met'] else '**no**'} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))), end="")
