"""Undo what page layout and text extraction did to a document.

Text taken from a signed PDF carries page numbers, footnotes cut from their pages, the
link targets of the PDF repeated as bare lines, and tables flattened either into rows
of tab-separated cells or into one cell per line. This module removes the first three
(keeping footnotes as notes) and turns flattened tables back into tables; lines broken
mid-sentence are joined later, by :mod:`planflow.importer.outline`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planflow.importer.columns import Role, header_roles, split_header_line
from planflow.importer.document import Block, Line, Table
from planflow.importer.timing import split_time_suffix

_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?(?:trang\s+)?\d{1,3}(?:\s*-)?\s*$", re.IGNORECASE)
_BARE_URL = re.compile(r"^\s*https?://\S+\s*$")
_FOOTNOTE = re.compile(r"^ ?(\d{1,2}) +(\S.*)$")
_STOP = re.compile(
    r"^\s*(?:phụ lục\b|nơi nhận|tổng cộng|tổng số|[ivx]+\.\s+\S|\*\*|tm\.|kt\.)", re.IGNORECASE
)
_CONTINUES = re.compile(r"(?:[,;\-–(/]|\b(?:và|của|các|cho|về|với|tại|trên|hoặc|toàn))\s*$", re.IGNORECASE)


@dataclass
class Layout:
    """The cleaned blocks and what was taken out of the running text."""

    blocks: list[Block]
    footnotes: list[str] = field(default_factory=list)
    dropped: int = 0


def clean_layout(blocks: list[Block]) -> Layout:
    """Tables rebuilt, page numbers and link residue dropped, footnotes set aside."""
    # PDF link targets repeated as bare lines go first: they would end up in table cells.
    text = [b for b in blocks if not (isinstance(b, Line) and _BARE_URL.match(b.text))]
    layout = Layout(_rebuild_tables(text), dropped=len(blocks) - len(text))
    _take_footnotes(layout)
    kept: list[Block] = []
    for block in layout.blocks:
        if isinstance(block, Line) and _PAGE_NUMBER.match(block.text):
            layout.dropped += 1
            continue
        kept.append(block)
    layout.blocks = kept
    return layout


# --- footnotes ----------------------------------------------------------------------


def _take_footnotes(layout: Layout) -> None:
    """A line "1 Lấy ngày 10 tháng 10 …" is a footnote when the text carries its marker
    glued to a word ("quốc gia1;"): the marker is removed, the note kept aside."""
    lines = [b for b in layout.blocks if isinstance(b, Line)]
    for candidate in lines:
        match = _FOOTNOTE.match(candidate.text)
        if match is None:
            continue
        number = match.group(1)
        marker = re.compile(rf"(?<=[^\W\d_]){number}(?=[\s;,.:)]|$)")
        holders = [b for b in lines if b is not candidate and marker.search(b.text)]
        if not holders:
            continue
        holder = holders[0]
        cleaned = Line(marker.sub("", holder.text, count=1), holder.where)
        layout.blocks[layout.blocks.index(holder)] = cleaned
        lines[lines.index(holder)] = cleaned
        layout.blocks.remove(candidate)
        layout.footnotes.append(f"{number}. {match.group(2).strip()}")


# --- flattened tables ------------------------------------------------------------------


def _rebuild_tables(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if isinstance(block, Line) and "\t" in block.text and header_roles(_tab_cells(block.text)):
            table, i = _tab_table(blocks, i)
            out.append(table)
            continue
        if isinstance(block, Line) and split_header_line(block.text):
            rebuilt = _cell_per_line_table(blocks, i)
            if rebuilt is not None:
                table, i = rebuilt
                out.append(table)
                continue
        out.append(block)
        i += 1
    return out


def _tab_cells(text: str) -> list[str]:
    return [c.strip() for c in text.split("\t")]


def _tab_table(blocks: list[Block], start: int) -> tuple[Table, int]:
    """Consecutive tab-separated lines (blank lines between pages allowed) form one table."""
    rows: list[tuple[str, ...]] = []
    i = start
    while i < len(blocks):
        block = blocks[i]
        if not isinstance(block, Line):
            break
        if "\t" in block.text:
            rows.append(tuple(_tab_cells(block.text)))
        elif block.text.strip():
            break
        i += 1
    width = max(len(r) for r in rows)
    rows = [r + ("",) * (width - len(r)) for r in rows]
    return Table(tuple(rows), blocks[start].where), i


def _cell_per_line_table(blocks: list[Block], start: int) -> tuple[Table, int] | None:
    """A table whose cells were printed one line (or several) each: "TT Nhiệm vụ …"
    then "1", the task's lines, the lead's lines, … until the next row number."""
    header_text = blocks[start].text  # type: ignore[union-attr]
    i = start + 1
    body: list[Line] = []
    while i < len(blocks):
        block = blocks[i]
        if not isinstance(block, Line):
            break
        text = block.text.strip()
        if text and _STOP.match(text) and body:
            break
        if text:
            body.append(block)
        i += 1
    first_row = next((n for n, b in enumerate(body) if b.text.strip() == "1"), None)
    if first_row is None:
        return None
    header_text += " " + " ".join(b.text.strip() for b in body[:first_row])
    labels = split_header_line(header_text)
    if labels is None:
        return None
    roles = header_roles(labels) or []
    rows = [tuple(labels)]
    for row_lines in _split_rows(body[first_row:]):
        rows.append(_cells_of_row(row_lines, roles))
    return Table(tuple(rows), blocks[start].where), i


def _split_rows(lines: list[Line]) -> list[list[str]]:
    """Rows start at the next row number: "1", "2" … (alone, or before the first cell)."""
    rows: list[list[str]] = []
    expected = 1
    for line in lines:
        text = line.text.strip()
        match = re.match(rf"^{expected}(?:\s+(.*))?$", text)
        if match:
            rows.append([str(expected)] + ([match.group(1)] if match.group(1) else []))
            expected += 1
        elif rows:
            rows[-1].append(text)
    return rows


def _cells_of_row(lines: list[str], roles: list[Role]) -> tuple[str, ...]:
    """Share a row's lines out to its columns: the task's wide lines first, the short
    unit names after, the time at the very end."""
    index, rest = lines[0], lines[1:]
    time = ""
    if roles and roles[-1] is Role.TIME and rest:
        rest, time = _take_time(rest)
    width = max((len(t) for t in rest), default=0)
    wide = width * 0.6
    task_lines: list[str] = []
    narrow: list[str] = []
    for text in rest:
        in_task = not narrow and (
            not task_lines or len(text) >= wide or not text[:1].isupper() or _CONTINUES.search(task_lines[-1])
        )
        (task_lines if in_task else narrow).append(text)
    pieces = _narrow_cells(narrow)
    others = [r for r in roles if r not in (Role.INDEX, Role.TASK, Role.TIME)]
    if len(pieces) > len(others) and others:
        pieces = [*pieces[: len(others) - 1], " ".join(pieces[len(others) - 1 :])]
    values: dict[Role, str] = {Role.INDEX: index, Role.TASK: " ".join(task_lines), Role.TIME: time}
    values.update(zip(others, pieces, strict=False))
    return tuple(_squash(values.get(r, "")) for r in roles)


def _take_time(lines: list[str]) -> tuple[list[str], str]:
    """The time cell at the end of a row, possibly broken over lines ("Thường" / "xuyên")
    or printed on the line of the cell before it ("Nhân dân 06/10 - 31/10")."""
    for count in (1, 2, 3):
        if count > len(lines):
            break
        joined = " ".join(lines[-count:])
        head, time = split_time_suffix(joined)
        if time and (not head or count == 1):
            kept = lines[:-count] + ([head] if head else [])
            return kept, time
    return lines, ""


def _narrow_cells(lines: list[str]) -> list[str]:
    """Short lines into cells: a cell starts with a capital after a line that ends a name."""
    cells: list[list[str]] = []
    for text in lines:
        starts_cell = text[:1].isupper() and not (cells and _CONTINUES.search(cells[-1][-1]))
        if starts_cell or not cells:
            cells.append([text])
        else:
            cells[-1].append(text)
    return [" ".join(c) for c in cells]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
