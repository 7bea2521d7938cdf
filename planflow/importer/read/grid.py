"""Ruled tables on a page image, found from the ink alone (Pillow, no OCR).

A ruled table is thin horizontal lines across most of its width and thin vertical lines
between them. Rows of ink are measured by shrinking the picture to one pixel wide (each
row's mean), columns by shrinking a band between two rules to one pixel high: a rule is
a thin run that is mostly dark, while a line of text is a thick run that is only partly
so. A rule missing between two columns of a row means a cell merged across them; a rule
missing under a cell means a cell merged down.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

_INK = 150  # grey levels below this are ink
_RULE_ROW = 0.25  # share of the page width a horizontal rule covers at least
_RULE_COLUMN = 0.85  # share of a row's height a vertical rule covers
_THIN = 10  # pixels: the thickest a rule is at 300 dpi
_MERGE = 12  # pixels: rules closer than this are one
_SPECKS = 40  # dark pixels: fewer than this in a cell is dust, not writing
_MIN_ROW = 16  # pixels: the least height of a table row (a line of text at 300 dpi)
_MAX_TILT = 2.0  # degrees: the most a page fed to a scanner is turned
_SHRINK = 4  # the skew is measured on the page shrunk this many times


@dataclass
class Grid:
    """A ruled table: row and column boundaries, and which cell covers each position."""

    xs: list[int]
    ys: list[int]
    owner: list[list[int]]

    @property
    def top(self) -> float:
        return float(self.ys[0])

    @property
    def height(self) -> int:
        return len(self.ys) - 1

    @property
    def width(self) -> int:
        return len(self.xs) - 1

    def boxes(self) -> dict[int, tuple[int, int, int, int]]:
        """Each cell's inner box (left, top, right, bottom), inside its rules."""
        out: dict[int, tuple[int, int, int, int]] = {}
        for r in range(self.height):
            for c in range(self.width):
                cell = self.owner[r][c]
                box = (self.xs[c], self.ys[r], self.xs[c + 1], self.ys[r + 1])
                old = out.get(cell, box)
                out[cell] = (
                    min(old[0], box[0]),
                    min(old[1], box[1]),
                    max(old[2], box[2]),
                    max(old[3], box[3]),
                )
        inset = _THIN
        return {
            k: (a + inset, b + inset, c - inset, d - inset)
            for k, (a, b, c, d) in out.items()
            if c - a > 3 * inset and d - b > 2 * inset
        }

    def contains(self, x: float, y: float) -> bool:
        return self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]

    def cell_at(self, x: float, y: float) -> int | None:
        if not self.contains(x, y):
            return None
        c = next(i for i in range(self.width) if x <= self.xs[i + 1])
        r = next(i for i in range(self.height) if y <= self.ys[i + 1])
        return self.owner[r][c]


def without_rules(gray: Any, grids: list[Grid]) -> Any:
    """The page with the tables' rules painted over: Tesseract reads the rules as letters
    ("|", "¡", "—") and lets them join cells into one line, so a header "Cơ quan phối
    hợp" comes out as "hợn"; on a clean page each cell is a block of its own."""
    from PIL import ImageDraw

    if not grids:
        return gray
    clean = gray.copy()
    draw = ImageDraw.Draw(clean)
    pad = _THIN // 2
    for grid in grids:
        for x in grid.xs:
            draw.rectangle((x - pad, grid.ys[0] - pad, x + pad, grid.ys[-1] + pad), fill=255)
        for y in grid.ys:
            draw.rectangle((grid.xs[0] - pad, y - pad, grid.xs[-1] + pad, y + pad), fill=255)
    return clean


def has_ink(gray: Any, box: tuple[int, int, int, int]) -> bool:
    """Whether a region holds any writing (more than specks: a digit at 300 dpi is some
    hundreds of dark pixels)."""
    ink = gray.crop(box).point(lambda v: 255 if v < _INK else 0)
    return bool(ink.histogram()[255] >= _SPECKS)


def deskew(gray: Any) -> Any:
    """The page turned straight. Its tilt is the angle at which the ink, summed row by row,
    is most concentrated (text lines and rules fall into few rows): measured every 0.2°,
    then refined to 0.05°, on the page shrunk four times."""
    from PIL import Image

    small = gray.resize((gray.width // _SHRINK, gray.height // _SHRINK))
    small = small.point(lambda v: 255 if v < _INK else 0)

    def sharpness(angle: float) -> int:
        turned = small.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0)
        return sum(v * v for v in turned.resize((1, turned.height), Image.Resampling.BOX).tobytes())

    steps = int(_MAX_TILT / 0.2)
    coarse = max((a * 0.2 for a in range(-steps, steps + 1)), key=sharpness)
    angle = max((coarse + a * 0.05 for a in range(-3, 4)), key=sharpness)
    if abs(angle) < 0.05:
        return gray
    return gray.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)


def find_grids(gray: Any) -> list[Grid]:
    """The ruled tables of a greyscale page image, top to bottom."""
    from PIL import Image

    ink = gray.point(lambda v: 255 if v < _INK else 0)
    height = ink.size[1]
    rows = [v / 255 for v in ink.resize((1, height), Image.Resampling.BOX).tobytes()]
    rules = _runs([i for i, v in enumerate(rows) if v >= _RULE_ROW])
    rules = [(a, b) for a, b in rules if b - a < _THIN and _continuous(ink, a, b)]
    grids: list[Grid] = []
    bands: list[tuple[tuple[int, int], tuple[int, int], list[int]]] = []
    for upper, lower in pairwise(rules):
        lines = _vertical_rules(ink, upper[1] + 1, lower[0] - 1)
        if len(lines) >= 2 and (not bands or bands[-1][1] == upper):
            bands.append((upper, lower, lines))
            continue
        if bands:
            grids.append(_grid(ink, bands))
        bands = [(upper, lower, lines)] if len(lines) >= 2 else []
    if bands:
        grids.append(_grid(ink, bands))
    return [g for g in grids if g.width >= 2 and g.height >= 1]


def _continuous(ink: Any, top: int, bottom: int) -> bool:
    """Whether a dark run of rows is a drawn line (one unbroken stretch over a quarter of
    the width), not the middle of a line of text (broken between letters and words)."""
    from PIL import Image

    strip = ink.crop((0, top, ink.size[0], bottom + 1))
    columns = [v / 255 for v in strip.resize((ink.size[0], 1), Image.Resampling.BOX).tobytes()]
    longest = max((b - a + 1 for a, b in _runs([i for i, v in enumerate(columns) if v >= 0.5])), default=0)
    return bool(longest >= _RULE_ROW * ink.size[0])


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Consecutive indexes as (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for i in indexes:
        if runs and i <= runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _vertical_rules(ink: Any, top: int, bottom: int) -> list[int]:
    """x positions of the vertical rules crossing the band between two horizontal rules."""
    from PIL import Image

    if bottom - top < _MIN_ROW:
        return []
    band = ink.crop((0, top, ink.size[0], bottom))
    columns = [v / 255 for v in band.resize((ink.size[0], 1), Image.Resampling.BOX).tobytes()]
    runs = _runs([i for i, v in enumerate(columns) if v >= _RULE_COLUMN])
    return [(a + b) // 2 for a, b in runs if b - a < _THIN]


def _grid(ink: Any, bands: list[tuple[tuple[int, int], tuple[int, int], list[int]]]) -> Grid:
    xs = _columns(bands)
    ys = [(bands[0][0][0] + bands[0][0][1]) // 2] + [(b[1][0] + b[1][1]) // 2 for b in bands]
    parent: dict[int, int] = {}

    def find(i: int) -> int:
        while parent.setdefault(i, i) != i:
            i = parent[i]
        return i

    width = len(xs) - 1
    for r, (upper, _, lines) in enumerate(bands):
        for c in range(width):
            here = r * width + c
            find(here)
            if c > 0 and not any(abs(xs[c] - x) <= _MERGE for x in lines):
                parent[find(here)] = find(here - 1)  # no rule on the left: merged across
            if r > 0 and not _ruled(ink, xs[c], xs[c + 1], upper):
                parent[find(here)] = find(here - width)  # no rule above: merged down
    owner = [[find(r * width + c) for c in range(width)] for r in range(len(bands))]
    return Grid(xs, ys, owner)


def _columns(bands: list[tuple[tuple[int, int], tuple[int, int], list[int]]]) -> list[int]:
    """The column boundaries: vertical rules at the same place in the bands. In a table of
    three rows or more, a boundary seen in one row alone is a tall letter or a stain, not
    a rule (a merged cell lacks a boundary that the other rows have, never adds one)."""
    groups = _groups([(x, b) for b, (_, _, lines) in enumerate(bands) for x in lines])
    least = 2 if len(bands) >= 3 else 1
    return [sum(x for x, _ in g) // len(g) for g in groups if len({b for _, b in g}) >= least]


def _groups(values: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    out: list[list[tuple[int, int]]] = []
    for v in sorted(values):
        if out and v[0] - out[-1][-1][0] <= _MERGE:
            out[-1].append(v)
        else:
            out.append([v])
    return out


def _ruled(ink: Any, left: int, right: int, rule: tuple[int, int]) -> bool:
    """Whether the horizontal rule runs between two column boundaries."""
    from PIL import Image

    pad = max(3, (right - left) // 10)
    if right - left <= 2 * pad:
        return True
    strip = ink.crop((left + pad, rule[0], right - pad, rule[1] + 1))
    values = list(strip.resize((1, 1), Image.Resampling.BOX).tobytes())
    return bool(values and float(values[0]) / 255 >= 0.5)
