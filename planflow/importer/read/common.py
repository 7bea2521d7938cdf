"""What every reader shares: text clean-up, file access, layout tables, and for printed
pages (PDF, scans) their columns, paragraphs and tables cut by page breaks.

Decree 30/2020 sets the issuing body and the number on the left, the national motto and
the place and date on the right, and the distribution list left of the signature. Word
files do that with borderless tables, portals print them as tables: these are layout,
not data, and their cells are given as lines (row by row, left to right) so that the
header and signature are read as they are everywhere else.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from planflow.errors import DocumentError
from planflow.importer.document import Block, Line, Table

# The national motto as a header prints it (capitals, then "Độc lập - Tự do - Hạnh phúc").
_MOTTO = re.compile(r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA|Độc\s+lập\s*[-–]\s*Tự\s+do")
_LAYOUT_MARKS = (
    _MOTTO,
    re.compile(r"^\s*Số\s*:", re.M),
    re.compile(r",\s*ngày\s*\S*\s*tháng\s*\S*\s*năm\s*\d{4}", re.I),
    re.compile(r"^\s*(?:Nơi nhận|Kính gửi)\s*:?", re.I | re.M),
    re.compile(r"^\s*(?:TM|KT|TL|TUQ|Q)\s*\.\s*[A-ZÀ-ỸĐ]", re.M),
)
Piece = tuple[float, float, float, float, str]  # x0, x1, top, bottom, text of a stretch of a line
# A line that ends a sentence, and one that opens an item (bullet, number, letter, field).
_ENDS = re.compile(r"[.;:!?]\W{0,2}$")
_OPENS = re.compile(
    r"^\s*(?:[-+•–]\s*(?=\D)|\d{1,2}(?:\.\d{1,2}){0,3}\s*[.)]|[a-zđ]\)|[IVX]{1,5}\.|Căn cứ\b)"
)
# A dash before a word in lower case goes on a sentence ("tài chính - ngân sách"), it opens no item.
LOWER_DASH = re.compile(r"^[-–]\s*[a-zà-ỹđ]")
_RULE = re.compile(r"^\s*[-–—_=*]{3,}\s*$")


def clean(text: str) -> str:
    """NFC text without no-break spaces, zero-width characters or soft hyphens."""
    text = unicodedata.normalize("NFC", text)
    return text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "").replace("\u00ad", "")


def read_bytes(path: Path) -> bytes:
    """The file's bytes; DocumentError naming the file when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path}: không đọc được file ({exc.strerror})") from None


def is_rule(text: str) -> bool:
    """A line of dashes under the issuing body or the motto: decoration, not text."""
    return bool(_RULE.match(text))


def is_layout(rows: tuple[tuple[str, ...], ...]) -> bool:
    """A narrow table (at most 3 columns) holding the header (motto, "Số:", place and
    date) or the signature ("Nơi nhận", "TM."): page layout, not a data table. A data
    table's first row is its column headings, never one of those marks."""
    if not rows or max(len(r) for r in rows) > 3:
        return False

    def marked(part: tuple[tuple[str, ...], ...]) -> bool:
        text = "\n".join(cell for row in part for cell in row)
        return any(mark.search(text) for mark in _LAYOUT_MARKS)

    return marked(rows[:1]) or (len(rows) <= 4 and marked(rows))


def table_blocks(rows: tuple[tuple[str, ...], ...], where: str) -> list[Block]:
    """A table as it should reach the importer: a layout table as its lines, a data
    table as itself (rows padded to one width)."""
    rows = tuple(r for r in rows if any(c.strip() for c in r))
    if not rows:
        return []
    if is_layout(rows):
        return [
            Line(part.strip(), where)
            for row in rows
            for cell in row
            for part in cell.split("\n")
            if part.strip() and not is_rule(part)
        ]
    width = max(len(r) for r in rows)
    return [Table(tuple(r + ("",) * (width - len(r)) for r in rows), where)]


def start_of_document(blocks: list[Block]) -> list[Block]:
    """The blocks from the document's own header on (the line or table row with the
    national motto, or the issuing body just before it): what a portal puts above the
    text (banners, menus, its own metadata table) is left out. Without a motto, all."""
    for index, block in enumerate(blocks):
        if isinstance(block, Line) and _MOTTO.search(block.text):
            start = index
            # the issuing body stands just before the motto (left cell, first lines)
            while start > 0 and index - start < 4 and isinstance(blocks[start - 1], Line):
                previous = blocks[start - 1].text  # type: ignore[union-attr]
                if not (previous.isupper() or is_rule(previous)):
                    break
                start -= 1
            return blocks[start:]
        if isinstance(block, Table):
            for r, row in enumerate(block.rows):
                if any(_MOTTO.search(c) for c in row):
                    return [*table_blocks(block.rows[r:], block.where), *blocks[index + 1 :]]
    return blocks


def joined_tables(blocks: list[Block]) -> list[Block]:
    """A table that goes on over a page break is one table: the part on the next page
    (same width, nothing between) is appended, its repeated heading row dropped, and a
    row cut by the break (no number in its first cell) joined to the row it continues."""
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if not (
            isinstance(block, Table) and isinstance(previous, Table) and _width(block) == _width(previous)
        ):
            out.append(block)
            continue
        rows = list(block.rows)
        if rows and rows[0] == previous.rows[0]:
            rows = rows[1:]
        merged = list(previous.rows)
        if rows and not rows[0][0].strip() and any(c.strip() for c in rows[0]):
            last, cut = merged[-1], rows.pop(0)
            merged[-1] = tuple(
                " ".join(x for x in (a, b) if x.strip()) for a, b in zip(last, cut, strict=True)
            )
        out[-1] = Table(tuple(merged + rows), previous.where)
    return out


def _width(table: Table) -> int:
    return len(table.rows[0]) if table.rows else 0


def by_columns(lines: list[list[Piece]]) -> list[tuple[float, float, str]]:
    """Lines in reading order: where lines stand in two columns, the left column's lines
    first, then the right column's (as a Word layout table is read)."""
    out: list[tuple[float, float, str]] = []
    i = 0
    while i < len(lines):
        if len(lines[i]) < 2:
            out += [(p[2], p[3], p[4]) for p in lines[i]]
            i += 1
            continue
        boundary = (lines[i][0][1] + lines[i][1][0]) / 2
        run: list[Piece] = []
        while i < len(lines) and all(p[1] <= boundary or p[0] >= boundary for p in lines[i]):
            if run and len(lines[i]) < 2 and lines[i][0][2] - run[-1][3] > run[-1][3] - run[-1][2]:
                break  # a line further down than the next line of the run: the run is over
            run += lines[i]
            i += 1
        left = [p for p in run if p[1] <= boundary]
        right = [p for p in run if p[0] >= boundary]
        # placed at the run's top, in this order (the page is sorted by top afterwards)
        top = run[0][2]
        out += [(top + k * 1e-3, p[3], p[4]) for k, p in enumerate(left + right)]
    return out


def paragraph_lines(lines: list[list[Piece]]) -> list[list[Piece]]:
    """Printed lines joined into paragraphs by their shape: a line that runs to the right
    edge of the text, and does not end a sentence, goes on in the next line when that one
    starts at the left edge and does not open an item (a new paragraph is indented, or
    follows a short line or a full stop). Centred and two-column lines stay as they are."""
    single = [line[0] for line in lines if len(line) == 1]
    if len(single) < 3:
        return lines
    lefts = sorted(p[0] for p in single)
    rights = sorted(p[1] for p in single)
    left, right = lefts[len(lefts) // 10], rights[len(rights) * 9 // 10]
    slack = 0.04 * (right - left)
    out: list[list[Piece]] = []
    for line in lines:
        previous = out[-1] if out else None
        if (
            previous is not None
            and len(previous) == 1
            and len(line) == 1
            and previous[0][1] >= right - slack
            and abs(line[0][0] - left) <= slack
            and line[0][2] - previous[0][3] <= previous[0][3] - previous[0][2]
            and not _ENDS.search(previous[0][4])
            and (LOWER_DASH.match(line[0][4]) or not _OPENS.match(line[0][4]))
        ):
            x0, _, top, _, text = previous[0]
            out[-1] = [(x0, line[0][1], top, line[0][3], f"{text} {line[0][4]}")]
        else:
            out.append(line)
    return out
