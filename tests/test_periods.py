"""Calendar periods and the data cut-offs of Decree 09/2019 (REGIME.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from planflow.periods import data_window, period_containing, series
from planflow.when import Cadence

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)

D = dt.date


@pytest.mark.parametrize(
    ("day", "cadence", "expected"),
    [
        # the examples of REGIME.md, Art. 12
        (D(2025, 10, 1), Cadence.MONTH, (D(2025, 9, 15), D(2025, 10, 14))),
        (D(2026, 2, 1), Cadence.QUARTER, (D(2025, 12, 15), D(2026, 3, 14))),
        (D(2025, 6, 1), Cadence.YEAR, (D(2024, 12, 15), D(2025, 12, 14))),
        (D(2026, 3, 1), Cadence.HALF, (D(2025, 12, 15), D(2026, 6, 14))),
        (D(2026, 9, 1), Cadence.HALF, (D(2026, 6, 15), D(2026, 12, 14))),
    ],
)
def test_decree09_cutoffs(day: dt.date, cadence: Cadence, expected: tuple[dt.date, dt.date]) -> None:
    """Each periodic report covers the 15th of the month before to the 14th of the last month."""
    assert data_window(period_containing(day, cadence), "decree09") == expected


def test_calendar_cutoff_is_the_period() -> None:
    """With a calendar cut-off a report covers its period exactly."""
    q1 = period_containing(D(2026, 2, 1), Cadence.QUARTER)
    assert data_window(q1, "calendar") == (D(2026, 1, 1), D(2026, 3, 31))


def test_longer_periods_supersede() -> None:
    """Quarterly + 6-month + annual: Q1, H1, Q3 and the year (Q2, Q4 and H2 are superseded)."""
    labels = [
        p.label for p in series(D(2026, 1, 1), D(2026, 12, 31), (Cadence.QUARTER, Cadence.HALF, Cadence.YEAR))
    ]
    assert labels == ["2026-Q1", "2026-H1", "2026-Q3", "2026"]
