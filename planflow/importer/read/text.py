"""Plain text files (.txt), e.g. text copied out of a PDF or exported from Word.

A word processor's text export prints a table one cell per line, row after row with no
mark between rows: an empty cell is an empty line, a group row merged across ("I",
"NHÓM GIẢI PHÁP") has fewer cells. Such a table is found by its header, a run of short
lines each a known column wording ("STT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian
thực hiện" …, see :mod:`planflow.importer.columns`), and its rows are rebuilt as a
portal's flattened tables are (:mod:`planflow.importer.read.flat`), without seams.
"""

from __future__ import annotations

import re
from pathlib import Path

from planflow.importer.columns import header_roles, role_of
from planflow.importer.document import Block, Line, SourceDocument
from planflow.importer.read.common import table_blocks
from planflow.importer.read.flat import split_rows, spread_heading
from planflow.importer.read.markup import decode

_MAX_LABEL = 60  # characters: a column heading is short
_NOT_LABEL = re.compile(r"[:;.]\s*$|:\s+\S")  # running text: "Thời gian thực hiện: quý II"
_SUB_HEADING = re.compile(r"^(?:chủ trì|phối hợp|bắt đầu|hoàn thành|kết thúc)$", re.IGNORECASE)
# Lines that close a table: the next appendix, the signature or a new document's header.
_AFTER_TABLE = re.compile(r"^\s*(?:PHỤ LỤC|Nơi nhận|TM\.|KT\.|CỘNG\s+H(?:ÒA|OÀ))", re.IGNORECASE)


def read_txt(path: Path) -> SourceDocument:
    """One line per line, form feeds (page breaks of text taken from a PDF) as line
    breaks, and each table printed one cell per line rebuilt as a table."""
    lines = decode(path).replace("\f", "\n").split("\n")
    blocks: list[Block] = []
    done = 0
    for first, labels, last in _cell_tables(lines):
        blocks += _lines(lines, done, first)
        parts = [[line] for line in lines[first:last]]
        widths = (labels - _sub_headings(lines[first : first + labels]), labels)
        cells = [[part[0].strip() for part in row] for row in split_rows(parts, widths)]
        width = max(len(row) for row in cells)
        rows = tuple(tuple(row) for row in spread_heading(cells, width))
        blocks += table_blocks(rows, f"dòng {first + 1}")
        done = last
    blocks += _lines(lines, done, len(lines))
    return SourceDocument(str(path), "txt", blocks)


def _lines(lines: list[str], start: int, end: int) -> list[Block]:
    return [Line(lines[n], f"dòng {n + 1}") for n in range(start, end)]


def _cell_tables(lines: list[str]) -> list[tuple[int, int, int]]:
    """(first line, number of header labels, line after the last) of each table printed
    one cell per line: a header run followed by cells, up to the next header, a line
    that closes a table, or the end."""
    found: list[tuple[int, int, int]] = []
    n = 0
    while n < len(lines):
        labels = _header_run(lines, n)
        if not labels:
            n += 1
            continue
        end = n + labels
        while end < len(lines) and not _AFTER_TABLE.match(lines[end]) and not _header_run(lines, end):
            end += 1
        if end - n >= 2 * labels:  # a header and at least one row's worth of cells
            found.append((n, labels, end))
        n = end
    return found


def _sub_headings(labels: list[str]) -> int:
    """Labels that sit under a spanning heading ("Chủ trì", "Phối hợp" under "Đơn vị thực
    hiện"): each makes the table up to one column narrower than its header run."""
    return sum(1 for label in labels if _SUB_HEADING.match(label.strip()))


def _header_run(lines: list[str], start: int) -> int:
    """The number of lines from ``start`` that make a table header, one label per line
    (0 when they do not): the longest run of column wordings that header_roles accepts."""
    run: list[str] = []
    for line in lines[start:]:
        text = line.strip()
        if not text or len(text) > _MAX_LABEL or _NOT_LABEL.search(text) or role_of(text) is None:
            break
        run.append(text)
    while len(run) >= 3 and header_roles(run) is None:
        run.pop()
    return len(run) if len(run) >= 3 else 0
