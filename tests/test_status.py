"""Status semantics at an as-of time: pure, no database."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from planflow.status import (
    OccurrenceFacts,
    ProgressStatus,
    Status,
    evaluate,
    fold_progress,
    resolve_as_of,
)

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)

ICT = "Asia/Ho_Chi_Minh"
D = dt.date


def _facts(
    key: str,
    due: dt.date | None = D(2025, 10, 30),
    timing: str = "due",
    start: dt.date | None = D(2025, 10, 1),
) -> OccurrenceFacts:
    return OccurrenceFacts(key=key, plan_id="p", item_id=key, kind="task", timing=timing,
                           title=key, label=None, period=None, start=start, due=due,
                           lead=("vhxh",), support=())  # fmt: skip


def _event(key: str, status: str, at: dt.datetime, percent: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(occurrence_key=key, status=status, percent=percent, values={},
                           note=None, by_unit="vhxh", effective_at=at)  # fmt: skip


def _status(
    facts: list[OccurrenceFacts],
    events: list[SimpleNamespace],
    day: dt.date,
    deps: dict[str, list[str]] | None = None,
) -> dict[str, Status]:
    as_of = resolve_as_of(day, ICT)
    progress = fold_progress(e for e in events if e.effective_at <= as_of.instant)
    return {s.key: s.status for s in evaluate(facts, deps or {}, progress, as_of, timezone=ICT)}


def _local(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.mark.parametrize(
    ("day", "events", "expected"),
    [
        (D(2025, 10, 5), [], Status.NOT_STARTED),  # 25 days before due
        (D(2025, 10, 25), [], Status.UPCOMING),  # within the 7-day horizon
        (D(2025, 10, 30), [], Status.UPCOMING),  # the due day itself is not overdue
        (D(2025, 10, 31), [], Status.OVERDUE),
        (D(2025, 10, 20), [("in_progress", D(2025, 10, 10))], Status.IN_PROGRESS),
        (D(2025, 11, 5), [("done", D(2025, 10, 30))], Status.DONE_ON_TIME),
        (D(2025, 11, 5), [("done", D(2025, 11, 2))], Status.DONE_LATE),
        # the done event lies after the as-of day, so it does not count yet
        (D(2025, 10, 31), [("done", D(2025, 11, 2))], Status.OVERDUE),
        # reopened after being done
        (D(2025, 11, 5), [("done", D(2025, 10, 20)), ("in_progress", D(2025, 10, 22))], Status.OVERDUE),
    ],
)
def test_single_occurrence(day: dt.date, events: list[tuple[str, dt.date]], expected: Status) -> None:
    """The status of one dated occurrence follows the documented order."""
    recorded = [_event("a", s, _local(d)) for s, d in events]
    assert _status([_facts("a")], recorded, day)["a"] is expected


def test_done_late_counts_local_day() -> None:
    """Done at 06:00 ICT the day after the due day is late, although it is still the due day in UTC."""
    early_morning = _local(D(2025, 10, 31), hour=6)
    assert early_morning.astimezone(dt.UTC).date() == D(2025, 10, 30)
    statuses = _status([_facts("a")], [_event("a", "done", early_morning)], D(2025, 11, 1))
    assert statuses["a"] is Status.DONE_LATE


def test_blocked_and_ongoing_and_event() -> None:
    """Dependencies block when overdue; undated items are ongoing or waiting for their event."""
    facts = [
        _facts("a", due=D(2025, 10, 10)),
        _facts("b", due=D(2025, 10, 30)),
        _facts("c", due=None, timing="ongoing"),
        _facts("d", due=None, timing="event", start=None),
    ]
    statuses = _status(facts, [], D(2025, 10, 15), deps={"b": ["a"]})
    assert statuses == {
        "a": Status.OVERDUE,
        "b": Status.BLOCKED,
        "c": Status.ONGOING,
        "d": Status.WAITING_EVENT,
    }
    not_yet = [_facts("e", due=None, timing="ongoing", start=D(2025, 11, 1))]
    assert _status(not_yet, [], D(2025, 10, 15))["e"] is Status.NOT_STARTED
    done_a = [_event("a", "done", _local(D(2025, 10, 12)))]
    assert _status(facts, done_a, D(2025, 10, 15), deps={"b": ["a"]})["b"] is Status.NOT_STARTED


def test_fold_progress_keeps_latest_values() -> None:
    """Measured values accumulate per metric; done sets 100 %."""
    events = [
        SimpleNamespace(occurrence_key="a", status="in_progress", percent=30, values={"x": "1"},
                        note="bắt đầu", by_unit="kt", effective_at=_local(D(2025, 10, 1))),
        SimpleNamespace(occurrence_key="a", status="done", percent=None, values={"y": "2"},
                        note=None, by_unit="kt", effective_at=_local(D(2025, 10, 2))),
    ]  # fmt: skip
    state = fold_progress(events)["a"]
    assert (state.status, state.percent, dict(state.values), state.note, state.events) == (
        ProgressStatus.DONE,
        100,
        {"x": 1, "y": 2},
        "bắt đầu",
        2,
    )
