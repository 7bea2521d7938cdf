"""Measure `planflow import` on the seed plans against their hand-checked gold task lists.

    .venv/bin/python scripts/import_accuracy.py [--seeds DIR] [--gold tests/importer/gold] [-v]

Prints, per document and overall, precision and recall of task detection and the share of
matched tasks whose lead units, supporting units and dates are right. With -v it also
lists the missed, extra and wrong items. The seeds are read as .txt (their own form).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from planflow.importer import extract, read_document
from planflow.importer.accuracy import FIELDS, GoldTask, Score, score
from planflow.importer.unitnames import Matcher
from planflow.loader import load_directory_file

REPO = Path(__file__).resolve().parent.parent


def measure(seeds: Path, gold_dir: Path, definitions: Path) -> list[tuple[str, Score]]:
    results = []
    for gold_path in sorted(gold_dir.glob("*.yaml")):
        gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
        directory, _ = load_directory_file(definitions / "units" / f"{gold['units']}.yaml")
        draft = extract(read_document(seeds / gold["seed"]), directory)
        tasks = [GoldTask.from_yaml(t) for t in gold["tasks"]]
        results.append((gold["seed"], score(draft.tasks, tasks, Matcher(directory, draft.place))))
    return results


def _line(name: str, s: Score) -> str:
    fields = "  ".join(f"{f} {s.accuracy(f):6.1%}" for f in FIELDS)
    return (
        f"{name:28} tasks {s.matched:3}/{s.gold:<3} found {s.found:3}  precision {s.precision:6.1%}  "
        f"recall {s.recall:6.1%}  {fields}  fields {s.fields_right:6.1%}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=Path, default=REPO / "tests" / "importer" / "seeds")
    parser.add_argument("--gold", type=Path, default=REPO / "tests" / "importer" / "gold")
    parser.add_argument("--definitions", type=Path, default=REPO / "definitions")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses, extras and wrong fields")
    args = parser.parse_args()
    total = Score()
    for name, result in measure(args.seeds, args.gold, args.definitions):
        total.add(result)
        print(_line(name, result))
        if args.verbose:
            for kind, items in (("missed", result.misses), ("extra", result.extras), ("wrong", result.wrong)):
                for item in items:
                    print(f"    {kind}: {item}")
    print(_line("overall", total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
