"""The same sync and check with the code as it was before this suite (commit c00e3db), for
the before/after figures of bench/README.md. Run it with the old tree first on the path::

    git archive c00e3db | tar -x -C /tmp/planflow-before
    PYTHONPATH=/tmp/planflow-before .venv/bin/python bench/before.py bench/.data/dataset-100k

It uses only what that commit had: ``load_definitions``, ``sync_definitions`` and the
per-plan ``notices_due`` (which needs every definition loaded), on a new SQLite file.
Prints one JSON line: seconds of load + sync, of the check, its notices, and peak memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from planflow.loader import load_definitions
from planflow.notifications.notices import notices_due
from planflow.store.db import open_store
from planflow.store.models import ProgressEventRow
from planflow.sync.definitions import sync_definitions

AS_OF = dt.date(2026, 6, 30)


def main(folder: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="planflow-before-") as tmp:
        factory = open_store(f"sqlite:///{tmp}/store.db")
        started = time.perf_counter()
        defs = load_definitions(folder)
        with factory() as session, session.begin():
            sync_definitions(defs, None, session=session, now=dt.datetime.now(dt.UTC))
        sync_s = time.perf_counter() - started
        with (
            factory() as session,
            session.begin(),
            (folder / "progress.csv").open(encoding="utf-8") as source,
        ):
            rows = [
                {"occurrence_key": r["occurrence_key"], "plan_id": r["plan_id"], "status": r["status"],
                 "percent": int(r["percent"]) if r["percent"] else None,
                 "values": json.loads(r["values"]) if r["values"] else {}, "by_unit": r["by_unit"] or None,
                 "effective_at": dt.datetime.fromisoformat(r["effective_at"]),
                 "recorded_at": dt.datetime.fromisoformat(r["effective_at"])}
                for r in csv.DictReader(source)
            ]  # fmt: skip
            session.execute(insert(ProgressEventRow), rows)
        memory_before_check = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        with factory() as session:
            plan = notices_due(defs, sorted(defs.plans), AS_OF, session=session)
        check_s = time.perf_counter() - started
        factory.kw["bind"].dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "dataset": folder.name, "plans": len(defs.plans), "sync_s": round(sync_s, 2),
        "check_s": round(check_s, 2), "notices": len(plan.notices), "peak_rss_mb": round(peak),
        "peak_rss_before_check_mb": round(memory_before_check),
    }  # fmt: skip


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
