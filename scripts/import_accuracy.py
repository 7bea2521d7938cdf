"""Measure `planflow import` against hand-checked gold, per document and per format.

    .venv/bin/python scripts/import_accuracy.py                 # seeds, corpus, built documents
    .venv/bin/python scripts/import_accuracy.py --set seeds     # the five seeds only (.txt)
    .venv/bin/python scripts/import_accuracy.py --format docx --format pdf -v
    .venv/bin/python scripts/import_accuracy.py --json > accuracy.json

Sets (gold in tests/importer/gold): ``seeds`` (*.yaml, the seed texts), ``corpus`` (corpus/*.yaml:
plans as a legal portal publishes them, .md; corpus/not-plans.yaml: documents to refuse),
``documents`` (documents/*.yaml: plans built by scripts/build_import_documents.py as .txt,
.docx, .pdf and a scanned .pdf). Every document is imported in-process; a DocumentError is a
refusal, any other exception a traceback (printed with -v).

Per document and per format: task recall and precision; of matched tasks, lead, support and
deadline right; SILENT wrong deadlines (wrong and not marked for review: must be 0); tasks
marked for review; report duties right; header fields right. Non-plans: refused with the
"not a plan" message, refused otherwise, imported, traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from planflow.errors import DocumentError
from planflow.importer import extract, read_document
from planflow.importer.accuracy import (
    HEADER_FIELDS,
    NOT_A_PLAN,
    GoldReport,
    GoldTask,
    HeaderScore,
    ReportScore,
    Score,
    score,
    score_header,
    score_reports,
)
from planflow.importer.unitnames import Matcher
from planflow.loader import load_directory_file
from planflow.schema import UnitDirectory

REPO = Path(__file__).resolve().parent.parent
IMPORTER_TESTS = REPO / "tests" / "importer"
SETS = ("seeds", "corpus", "documents")
FORMATS = ("txt", "md", "docx", "pdf", "scan")


@dataclass(frozen=True)
class Case:
    """One document file to import, and its gold (None: a non-plan that must be refused)."""

    name: str
    path: Path
    format: str
    gold: dict[str, Any] | None
    set: str


@dataclass
class Outcome:
    case: Case
    status: str  # imported, refused, traceback (plans); not_a_plan, refused, imported, traceback
    message: str = ""
    tasks: Score = field(default_factory=Score)
    reports: ReportScore = field(default_factory=ReportScore)
    header: HeaderScore = field(default_factory=HeaderScore)


def file_format(path: Path) -> str:
    """txt, md, docx, pdf; a scan is a .pdf whose name ends in .scan.pdf."""
    if path.name.endswith(".scan.pdf"):
        return "scan"
    return path.suffix.lower().lstrip(".")


def cases(gold_dir: Path, seeds: Path, sets: tuple[str, ...]) -> Iterator[Case]:
    """The documents of the chosen sets with their gold."""
    if "seeds" in sets:
        for path in sorted(gold_dir.glob("*.yaml")):
            gold = _yaml(path)
            yield Case(gold["seed"], seeds / gold["seed"], "txt", gold, "seeds")
    if "corpus" in sets:
        for path in sorted((gold_dir / "corpus").glob("*.yaml")):
            if path.name == "not-plans.yaml":
                for item in _yaml(path)["documents"]:
                    document = IMPORTER_TESTS / item["document"]
                    yield Case(document.name, document, file_format(document), None, "corpus")
                continue
            gold = _yaml(path)
            document = IMPORTER_TESTS / gold["document"]
            yield Case(document.name, document, file_format(document), gold, "corpus")
    if "documents" in sets:
        for path in sorted((gold_dir / "documents").glob("*.yaml")):
            gold = _yaml(path)
            for name in gold["files"]:
                document = IMPORTER_TESTS / name
                yield Case(document.name, document, file_format(document), gold, "documents")


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def run(case: Case, definitions: Path) -> Outcome:
    """Import one document in-process and score it; never raises."""
    gold = case.gold
    directory = _directory(definitions, gold.get("units") if gold else None)
    try:
        draft = extract(read_document(case.path), directory)
    except DocumentError as exc:
        message = str(exc)
        if gold is None:
            return Outcome(case, "not_a_plan" if NOT_A_PLAN.search(message) else "refused", message)
        return _failed(case, "refused", message, gold)
    except Exception:  # the harness counts every other exception as a traceback
        if gold is None:
            return Outcome(case, "traceback", traceback.format_exc())
        return _failed(case, "traceback", traceback.format_exc(), gold)
    if gold is None:
        return Outcome(case, "imported", f"{len(draft.tasks)} nhiệm vụ")
    year = _year(gold)
    matcher = Matcher(directory, draft.place)
    tasks = score(draft.tasks, [GoldTask.from_yaml(t, year) for t in gold["tasks"]], matcher, year)
    reports = score_reports(
        draft.reports, [GoldReport.from_yaml(r, year) for r in gold.get("reports") or []], matcher, year
    )
    header = score_header(draft, gold["plan"]) if gold.get("plan") else HeaderScore()
    return Outcome(case, "imported", "", tasks, reports, header)


def _directory(definitions: Path, units: str | None) -> UnitDirectory | None:
    if not units:
        return None
    directory, _ = load_directory_file(definitions / "units" / f"{units}.yaml")
    return directory


def _year(gold: dict[str, Any]) -> int | None:
    """The year whose due days a recurring time is compared on: the plan's first year."""
    plan = gold.get("plan") or {}
    if plan.get("period"):
        return int(plan["period"][0].year)
    issued = plan.get("issued")
    return issued.year if isinstance(issued, dt.date) else None


def _failed(case: Case, status: str, message: str, gold: dict[str, Any]) -> Outcome:
    """A plan not imported: every gold task, report duty and header field is missed."""
    tasks = Score(gold=len(gold["tasks"]), misses=[f"{t['label']}: {t['title']}" for t in gold["tasks"]])
    reports = ReportScore(gold=len(gold.get("reports") or []))
    header = HeaderScore(scored=sum(1 for name in HEADER_FIELDS if name in (gold.get("plan") or {})))
    return Outcome(case, status, message, tasks, reports, header)


@dataclass
class Totals:
    """Sums over the documents of one format (or all)."""

    documents: int = 0
    tracebacks: int = 0
    refused: int = 0
    tasks: Score = field(default_factory=Score)
    reports: ReportScore = field(default_factory=ReportScore)
    header: HeaderScore = field(default_factory=HeaderScore)
    non_plans: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: Outcome) -> None:
        if outcome.case.gold is None:
            self.non_plans[outcome.status] = self.non_plans.get(outcome.status, 0) + 1
            return
        self.documents += 1
        self.tracebacks += outcome.status == "traceback"
        self.refused += outcome.status == "refused"
        self.tasks.add(outcome.tasks)
        self.reports.add(outcome.reports)
        self.header.add(outcome.header)

    def figures(self) -> dict[str, Any]:
        t = self.tasks
        return {
            "documents": self.documents,
            "refused": self.refused,
            "tracebacks": self.tracebacks + self.non_plans.get("traceback", 0),
            "gold_tasks": t.gold,
            "found_tasks": t.found,
            "matched_tasks": t.matched,
            "lead_right": t.right["lead"],
            "support_right": t.right["support"],
            "deadline_right": t.right["dates"],
            "recall": round(t.recall, 4),
            "precision": round(t.precision, 4),
            "lead": round(t.accuracy("lead"), 4),
            "support": round(t.accuracy("support"), 4),
            "deadline": round(t.accuracy("dates"), 4),
            "silent_wrong_deadlines": t.silent,
            "review_marked": t.review,
            "gold_reports": self.reports.gold,
            "reports_right": self.reports.right,
            "reports": round(self.reports.accuracy, 4),
            "header_right": self.header.right,
            "header": round(self.header.accuracy, 4),
            "non_plans": dict(sorted(self.non_plans.items())),
        }


def totals(outcomes: list[Outcome]) -> dict[str, Totals]:
    """Per format, then "overall"."""
    return _grouped(outcomes, lambda o: o.case.format, FORMATS)


def set_totals(outcomes: list[Outcome]) -> dict[str, Totals]:
    """Per set of documents (seeds, corpus, documents), then "overall"."""
    return _grouped(outcomes, lambda o: o.case.set, SETS)


def _grouped(
    outcomes: list[Outcome], key_of: Callable[[Outcome], str], order: tuple[str, ...]
) -> dict[str, Totals]:
    out: dict[str, Totals] = {}
    for outcome in outcomes:
        for key in (key_of(outcome), "overall"):
            out.setdefault(key, Totals()).add(outcome)
    return {key: out[key] for key in (*order, "overall") if key in out}


def _line(name: str, f: dict[str, Any]) -> str:
    if not f["documents"]:
        return f"{name:34} non-plans {_non_plans(f['non_plans'])}  tracebacks {f['tracebacks']}"
    return (
        f"{name:34} tasks {f['matched_tasks']:3}/{f['gold_tasks']:<3} found {f['found_tasks']:3}  "
        f"recall {f['recall']:6.1%}  precision {f['precision']:6.1%}  lead {f['lead']:6.1%}  "
        f"support {f['support']:6.1%}  deadline {f['deadline']:6.1%}  "
        f"SILENT {f['silent_wrong_deadlines']:2}  "
        f"review {f['review_marked']:3}  reports {f['reports_right']:2}/{f['gold_reports']:<2}  "
        f"header {f['header']:6.1%}"
        + (f"  refused {f['refused']}" if f["refused"] else "")
        + (f"  tracebacks {f['tracebacks']}" if f["tracebacks"] else "")
        + (f"  non-plans {_non_plans(f['non_plans'])}" if f["non_plans"] else "")
    )


def _non_plans(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "-"


def _document_figures(outcome: Outcome) -> dict[str, Any]:
    one = Totals()
    one.add(outcome)
    return {"document": outcome.case.name, "format": outcome.case.format, "status": outcome.status} | (
        one.figures() if outcome.case.gold is not None else {"message": outcome.message}
    )


def _details(outcome: Outcome) -> Iterator[str]:
    if outcome.status == "traceback":
        yield from ("    " + line for line in outcome.message.rstrip().splitlines())
    elif outcome.message:
        yield f"    {outcome.status}: {outcome.message}"
    items = (
        ("missed", outcome.tasks.misses),
        ("extra", outcome.tasks.extras),
        ("wrong", outcome.tasks.wrong),
        ("report missed", outcome.reports.misses),
        ("report wrong", outcome.reports.wrong),
        ("header wrong", outcome.header.wrong),
    )
    for kind, lines in items:
        for line in lines:
            yield f"    {kind}: {line}"


def measure(
    gold_dir: Path, seeds: Path, definitions: Path, sets: tuple[str, ...], formats: tuple[str, ...]
) -> list[Outcome]:
    return [run(c, definitions) for c in cases(gold_dir, seeds, sets) if c.format in formats]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=Path, default=IMPORTER_TESTS / "seeds")
    parser.add_argument("--gold", type=Path, default=IMPORTER_TESTS / "gold")
    parser.add_argument("--definitions", type=Path, default=REPO / "definitions")
    parser.add_argument("--set", dest="sets", action="append", choices=SETS, help="default: all")
    parser.add_argument("--format", dest="formats", action="append", choices=FORMATS, help="default: all")
    parser.add_argument("--json", action="store_true", help="figures per document and per format as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="misses, extras, wrong, tracebacks")
    args = parser.parse_args(argv)
    outcomes = measure(
        args.gold, args.seeds, args.definitions, tuple(args.sets or SETS), tuple(args.formats or FORMATS)
    )
    summary = {key: t.figures() for key, t in totals(outcomes).items()}
    by_set = {key: t.figures() for key, t in set_totals(outcomes).items() if key != "overall"}
    if args.json:
        documents = [_document_figures(o) for o in outcomes]
        report = {"documents": documents, "formats": summary, "sets": by_set}
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    for outcome in outcomes:
        if outcome.case.gold is not None or args.verbose or outcome.status != "not_a_plan":
            figures = _document_figures(outcome)
            label = f"{outcome.case.name} [{outcome.case.format}]"
            print(_line(label, figures) if outcome.case.gold is not None else f"{label:34} {outcome.status}")
        if args.verbose:
            for line in _details(outcome):
                print(line)
    print()
    for key, figures in by_set.items():
        print(_line(f"set {key}", figures))
    for key, figures in summary.items():
        print(_line(key, figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
