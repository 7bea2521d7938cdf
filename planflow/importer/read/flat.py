"""Tables that a portal flattened to one cell per stretch of lines between `|` lines.

A legal-document portal prints a table as ``|`` / cell / ``|`` / cell / ``|`` and
starts the next row with another ``|``: the text between two ``|`` lines is a cell, and
an empty stretch is either an empty cell or the seam between two rows. Rows do not all
have the table's width (a group row "I | NHÓM GIẢI PHÁP" spans the columns, a second
heading row lacks the cells merged down from the first), so the seams are found by
dynamic programming: every row ends on an empty stretch, a row of the table's full
width costs nothing, a shorter row costs one, an empty cell and each column a little;
the table's width is the one that explains the rows at the least cost. In a table
numbered in its first column ("STT": 1, 2, I, II, a)), a row that starts with anything
but a number costs more: an empty cell read as a seam shifts the next row's cells one
column left, so its first cell is a unit or a date, not a number.
"""

from __future__ import annotations

import re

Segment = list[str]
_NARROW_ROW = 1.0
_EMPTY_CELL = 0.1
_COLUMN = 0.3
_MAX_WIDTH = 16
_UNNUMBERED = 0.6
_NUMBERED_ROWS = 3  # number cells that make a table numbered
_NUMBER = re.compile(
    r"^\s*\**\s*(?:[IVXLC]{1,6}|\d{1,3}(?:\.\d{1,3}){0,3}|[a-zđ]|S[ốo]\s*TT|STT|TT)\s*[.)]?\s*\**\s*$",
    re.IGNORECASE,
)


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


def split_rows(parts: list[Segment], widths: tuple[int, int] | None = None) -> list[list[Segment]]:
    """Rows of cells: the segmentation of least cost over the plausible widths. Given the
    ``widths`` its header allows (plain text, one cell per line) every part is a cell and a
    row starts right after the last cell of the one before: there are no seams."""
    best: tuple[float, list[list[Segment]]] | None = None
    seams = widths is None
    narrowest, widest = widths or (_longest_run(parts), _MAX_WIDTH)
    for width in range(max(1, narrowest), min(widest, len(parts)) + 1):
        found = _rows_of_width(parts, width, seams)
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


def _rows_of_width(parts: list[Segment], width: int, seams: bool) -> tuple[float, list[list[Segment]]] | None:
    n = len(parts)
    step = 1 if seams else 0  # the seam a row ends on
    numbered = sum(1 for s in parts if _numbered(s)) >= _NUMBERED_ROWS
    inf = float("inf")
    cost = [inf] * (n + 2)
    choice = [0] * (n + 2)
    cost[n] = 0.0
    cost[n + 1] = 0.0
    for p in range(n - 1, -1, -1):
        if not seams and all(_empty(s) for s in parts[p:]):
            cost[p], choice[p] = 0.0, n - p  # blank lines after the table's last cell
            continue
        for w in range(1, min(width, n - p) + 1):
            end = p + w
            if seams and end < n and not _empty(parts[end]):
                continue  # a row must end on a seam (or at the end)
            rest = cost[end + step] if end < n else 0.0
            if rest == inf:
                continue
            empties = sum(1 for s in parts[p:end] if _empty(s))
            c = rest + (0.0 if w == width else _NARROW_ROW) + _EMPTY_CELL * empties
            if numbered and not _numbered(parts[p]):
                c += _UNNUMBERED
            if c < cost[p]:
                cost[p], choice[p] = c, w
    if cost[0] == inf:
        return None
    cost[0] += _COLUMN * width  # of two readings, the one with fewer columns
    rows: list[list[Segment]] = []
    p = 0
    while p < n:
        w = choice[p]
        rows.append(parts[p : p + w])
        p += w + step
    return cost[0], rows


def _numbered(segment: Segment) -> bool:
    """A cell of a numbering column: "1", "1.2", "II", "a)", or its heading "STT"."""
    text = " ".join(line.strip() for line in segment if line.strip())
    return bool(text) and _NUMBER.match(text) is not None


def _runs(parts: list[Segment]) -> list[list[Segment]]:
    rows: list[list[Segment]] = [[]]
    for part in parts:
        if _empty(part):
            if rows[-1]:
                rows.append([])
        else:
            rows[-1].append(part)
    return [r for r in rows if r]


# A heading that spans sub-headings, and the words of the sub-headings under it:
# "Đơn vị thực hiện" over "Chủ trì" and "Phối hợp", "Thời gian" over "Bắt đầu" and
# "Hoàn thành", "Kinh phí" over its sources.
_SPANNING = (
    (
        re.compile(r"đơn vị|cơ quan|phân công|trách nhiệm", re.I),
        re.compile(r"chủ trì|phối hợp|thực hiện", re.I),
    ),
    (re.compile(r"thời gian|tiến độ", re.I), re.compile(r"bắt đầu|hoàn thành|kết thúc|từ|đến", re.I)),
    (
        re.compile(r"kinh phí|nguồn", re.I),
        re.compile(r"ngân sách|nguồn|vốn|tổng|trung ương|tỉnh|huyện|xã|khác", re.I),
    ),
)


def spread_heading(rows: list[list[str]], width: int) -> list[list[str]]:
    """A two-level heading put back over its columns. The portal prints the cells that
    exist: the first row lacks the columns its spanning cell covers, the second row has
    only the sub-headings. A first row of k cells over a second of m cells in a table
    of ``width`` columns has width - m cells spanning both rows; the other k - (width - m)
    span the sub-headings. With one spanning heading (recognised by its words) the
    sub-headings go under it and the cells spanning both rows repeat; otherwise the rows
    are left as printed. The spanning heading is the one whose sub-headings are there
    ("Chủ trì" under "Đơn vị thực hiện", not under "Thời gian")."""
    if len(rows) < 2:
        return rows
    first, second = rows[0], rows[1]
    k, m = len(first), len(second)
    whole = width - m
    if not (k < width and m < width and 0 <= whole < k and k - whole == 1):
        return rows
    candidates = [
        j
        for j in range(1, k)
        if any(head.search(first[j]) and any(sub.search(c) for c in second) for head, sub in _SPANNING)
    ]
    if len(candidates) != 1 or any(re.match(r"^\s*\d+\s*$", c) for c in second):
        return rows
    j = candidates[0]
    top = [*first[:j], first[j], *([""] * (m - 1)), *first[j + 1 :]]
    under = [*first[:j], *second, *first[j + 1 :]]
    return [top, under, *rows[2:]]
