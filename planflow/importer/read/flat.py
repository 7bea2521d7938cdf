"""Tables that a portal flattened to one cell per stretch of lines between `|` lines.

A legal-document portal prints a table as ``|`` / cell / ``|`` / cell / ``|`` and
starts the next row with another ``|``: the text between two ``|`` lines is a cell, and
an empty stretch is either an empty cell or the seam between two rows. Rows do not all
have the table's width (a group row "I | NHÓM GIẢI PHÁP" spans the columns, a second
heading row lacks the cells merged down from the first), so the seams are found by
dynamic programming: every row ends on an empty stretch, a row of the table's full
width costs nothing, a shorter row costs one, an empty cell a little; the table's width
is the one that explains the rows at the least cost.
"""

from __future__ import annotations

Segment = list[str]
_NARROW_ROW = 1.0
_EMPTY_CELL = 0.1
_MAX_WIDTH = 16


def is_pipe(line: str) -> bool:
    return line.strip() == "|"


def table_regions(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) indexes of each run of `|` lines with no blank line between two of
    them: a portal never leaves a blank line inside a table."""
    regions: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if not is_pipe(lines[i]):
            i += 1
            continue
        last = j = i
        while j + 1 < len(lines) and lines[j + 1].strip():
            j += 1
            if is_pipe(lines[j]):
                last = j
        if last > i:
            regions.append((i, last))
        i = last + 1
    return regions


def segments(lines: list[str]) -> list[Segment]:
    """The stretches of lines between consecutive `|` lines of a region."""
    out: list[Segment] = []
    current: Segment | None = None
    for line in lines:
        if is_pipe(line):
            if current is not None:
                out.append(current)
            current = []
        elif current is not None:
            current.append(line)
    return out


def _empty(segment: Segment) -> bool:
    return not any(line.strip() for line in segment)


def split_rows(parts: list[Segment]) -> list[list[Segment]]:
    """Rows of cells: the segmentation of least cost over the plausible widths."""
    best: tuple[float, list[list[Segment]]] | None = None
    longest = _longest_run(parts)
    for width in range(max(1, longest), min(_MAX_WIDTH, len(parts)) + 1):
        found = _rows_of_width(parts, width)
        if found is not None and (best is None or found[0] < best[0] - 1e-9):
            best = found
    if best is None:  # no seam pattern fits: every run of non-empty cells is a row
        return _runs(parts)
    return best[1]


def _longest_run(parts: list[Segment]) -> int:
    """The longest run of non-empty cells: no row can be narrower than that."""
    longest = run = 0
    for part in parts:
        run = 0 if _empty(part) else run + 1
        longest = max(longest, run)
    return longest


def _rows_of_width(parts: list[Segment], width: int) -> tuple[float, list[list[Segment]]] | None:
    n = len(parts)
    inf = float("inf")
    cost = [inf] * (n + 2)
    choice = [0] * (n + 2)
    cost[n] = 0.0
    cost[n + 1] = 0.0
    for p in range(n - 1, -1, -1):
        for w in range(1, min(width, n - p) + 1):
            end = p + w
            if end < n and not _empty(parts[end]):
                continue  # a row must end on a seam (or at the end)
            rest = cost[end + 1] if end < n else 0.0
            if rest == inf:
                continue
            empties = sum(1 for s in parts[p:end] if _empty(s))
            c = rest + (0.0 if w == width else _NARROW_ROW) + _EMPTY_CELL * empties
            if c < cost[p]:
                cost[p], choice[p] = c, w
    if cost[0] == inf:
        return None
    rows: list[list[Segment]] = []
    p = 0
    while p < n:
        w = choice[p]
        rows.append(parts[p : p + w])
        p += w + 1
    return cost[0], rows


def _runs(parts: list[Segment]) -> list[list[Segment]]:
    rows: list[list[Segment]] = [[]]
    for part in parts:
        if _empty(part):
            if rows[-1]:
                rows.append([])
        else:
            rows[-1].append(part)
    return [r for r in rows if r]
