"""PDF with a text layer (pdfplumber): tables by their ruling lines, the rest of each
page as lines in reading order; running headers, footers and page numbers out.

A PDF without a text layer (a scan) is passed to OCR (:mod:`planflow.importer.read.ocr`).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from planflow.errors import DocumentError
from planflow.importer.document import Block, Line, SourceDocument
from planflow.importer.read.common import (
    Piece,
    by_columns,
    clean,
    is_rule,
    joined_tables,
    paragraph_lines,
    read_bytes,
    table_blocks,
)
from planflow.importer.read.markup import paragraphs_of

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–]\s*)?(?:trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*[-–])?\s*$", re.IGNORECASE
)
# The top and bottom of a page: where running headers, footers and page numbers stand.
_MARGIN = 0.08


def read_pdf(path: Path) -> SourceDocument:
    """Lines and tables of a PDF; a PDF with no text (a scan) is read by OCR."""
    import pdfplumber  # an optional heavy import: only when a PDF is read
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    read_bytes(path)
    pages: list[list[tuple[float, float, Block]]] = []
    images = 0
    try:
        with pdfplumber.open(str(path)) as pdf:
            if not pdf.pages:
                raise DocumentError(f"{path}: file PDF không có trang nào")
            for number, page in enumerate(pdf.pages, start=1):
                images += len(page.images)
                pages.append(_page_blocks(page, number))
    except (PdfminerException, PDFSyntaxError):
        raise DocumentError(
            f"{path}: không mở được file PDF (hỏng, bị mã hóa hoặc không phải PDF); "
            "hãy xuất lại PDF từ file gốc"
        ) from None
    blocks = joined_tables(_without_running_lines(pages))
    document = SourceDocument(str(path), "pdf", blocks)
    if document.text_size == 0 and images:
        from planflow.importer.read.ocr import read_scanned_pdf

        return read_scanned_pdf(path)
    return document


def _page_blocks(page: Any, number: int) -> list[tuple[float, float, Block]]:
    """(relative top, relative bottom, block) of a page's lines and tables, top to bottom."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    height = float(page.height) or 1.0
    placed: list[tuple[float, float, Block]] = []
    lines = []
    for line in page.extract_text_lines(return_chars=True):
        middle_y = (line["top"] + line["bottom"]) / 2
        middle_x = (line["x0"] + line["x1"]) / 2
        if not any(x0 <= middle_x <= x1 and top <= middle_y <= bottom for x0, top, x1, bottom in boxes):
            lines.append(_pieces(line))
    for top, bottom, text in by_columns(paragraph_lines(lines)):
        if is_rule(text):
            continue  # the short rule under the issuing body and the motto
        placed.append((top / height, bottom / height, Line(clean(text), f"trang {number}")))
    for index, table in enumerate(tables, start=1):
        where = f"trang {number}, bảng {index}"
        for block in table_blocks(table_rows(table), where):
            placed.append((table.bbox[1] / height, table.bbox[3] / height, block))
    placed.sort(key=lambda item: item[0])
    return placed


def _pieces(line: dict[str, Any]) -> list[Piece]:
    """A printed line cut where a wide gap separates two columns (the issuing body and
    the motto side by side, "Nơi nhận" beside the signature)."""
    chars = [c for c in line["chars"] if c["text"].strip() or c is line["chars"][0]]
    if not chars:
        return [(line["x0"], line["x1"], line["top"], line["bottom"], line["text"])]
    widths = sorted(c["x1"] - c["x0"] for c in chars)
    gap = 4 * max(widths[len(widths) // 2], 1.0)
    groups: list[list[dict[str, Any]]] = [[chars[0]]]
    for char in chars[1:]:
        if char["x0"] - groups[-1][-1]["x1"] > gap:
            groups.append([char])
        else:
            groups[-1].append(char)
    out: list[Piece] = []
    for group in groups:
        text = ""
        for i, char in enumerate(group):
            if i and char["x0"] - group[i - 1]["x1"] > 0.15 * (char["x1"] - char["x0"] + 1):
                text += " "
            text += char["text"]
        out.append((group[0]["x0"], group[-1]["x1"], line["top"], line["bottom"], " ".join(text.split())))
    return out


def table_rows(table: Any) -> tuple[tuple[str, ...], ...]:
    """A pdfplumber table's rows: the text of a cell merged down rows repeated in each
    row, a cell merged across columns once (pdfplumber leaves None where no cell starts)."""
    grid = table.extract()
    cells = [row.cells for row in table.rows]
    out: list[list[str]] = []
    for r, row in enumerate(grid):
        texts: list[str] = []
        for c, cell in enumerate(row):
            if cell is not None:
                texts.append("\n".join(paragraphs_of(clean(cell).split("\n"))))
            elif r > 0 and c < len(out[r - 1]) and _covered_from_above(cells, r, c):
                texts.append(out[r - 1][c])
            else:
                texts.append("")
        out.append(texts)
    return tuple(tuple(r) for r in out)


def _covered_from_above(cells: list[list[Any]], r: int, c: int) -> bool:
    """Whether the empty grid position (r, c) lies under a cell that starts higher up
    in the same column and reaches down into row ``r``."""
    tops = [box[1] for box in cells[r] if box is not None]
    if not tops:
        return True
    row_top = min(tops)
    for above in range(r - 1, -1, -1):
        box = cells[above][c] if c < len(cells[above]) else None
        if box is not None:
            return bool(box[3] > row_top + 1)
    return False


def _without_running_lines(pages: list[list[tuple[float, float, Block]]]) -> list[Block]:
    """Drop page numbers, and headers or footers repeated on most pages (the same text
    but for its digits) in the top or bottom margin."""

    def key(block: Block) -> str | None:
        return re.sub(r"\d+", "#", block.text.strip().lower()) if isinstance(block, Line) else None

    counts: Counter[str] = Counter()
    for page in pages:
        counts.update(
            {k for top, bottom, b in page if (top < _MARGIN or bottom > 1 - _MARGIN) and (k := key(b))}
        )
    repeated = {k for k, n in counts.items() if len(pages) >= 2 and n >= 0.6 * len(pages)}
    out: list[Block] = []
    for page in pages:
        for top, bottom, block in page:
            in_margin = top < _MARGIN or bottom > 1 - _MARGIN
            if (
                isinstance(block, Line)
                and in_margin
                and (key(block) in repeated or _PAGE_NUMBER.match(block.text))
            ):
                continue
            out.append(block)
    return out
