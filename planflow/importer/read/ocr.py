"""Scans (PDF without a text layer, .png/.jpg/.tif pictures) read by OCR.

Tesseract with its Vietnamese model (Debian: tesseract-ocr, tesseract-ocr-vie) is run
through pytesseract, which gives every word with its box and confidence: the boxes put
words into the cells of ruled tables found on the page, the confidences mark words read
with doubt ("30/11[?]") so that a reviewer checks them and a doubtful date is never
taken as sure. Pages are rendered by pypdfium2 and read two at a time (one Tesseract
thread each), which is what a two-core machine does best.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planflow.errors import DocumentError
from planflow.importer.document import DOUBTFUL, Block, Line, SourceDocument
from planflow.importer.read.common import (
    Piece,
    by_columns,
    clean,
    joined_tables,
    paragraph_lines,
    read_bytes,
    table_blocks,
)
from planflow.importer.read.grid import Grid, deskew, find_grids, has_ink, without_rules

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
_DPI = 300
# Tesseract's confidence (0-100) under which a word is marked for review.
_SURE = 50
_WORKERS = max(1, min(2, os.cpu_count() or 1))
_INSTALL = "apt-get install tesseract-ocr tesseract-ocr-vie"
# Letters of other alphabets Tesseract gives for Vietnamese ones ("Ð" eth for "Đ"), and
# the doubled capital it sometimes writes ("ÐĐơn").
# What a numbering column holds: "1", "2.1", "II", "a)".
_ROW_NUMBER = re.compile(r"^(?:[IVXLC]{1,6}|\d{1,3}(?:\.\d{1,3}){0,3}|[a-zđ])[.)]?$")
_ROMAN_I = str.maketrans("ÍÌỈĨỊ", "IIIII")
# Table borders that OCR reads as characters.
_BORDER = "|{}[]!l_—-"


@dataclass
class _Word:
    text: str
    conf: float
    left: int
    top: int
    right: int
    bottom: int
    line: tuple[int, int, int]

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2

    @property
    def shown(self) -> str:
        return self.text + DOUBTFUL if 0 <= self.conf < _SURE else self.text


@dataclass
class _Page:
    blocks: list[tuple[float, Block]] = field(default_factory=list)
    doubtful: int = 0


def read_scanned_pdf(path: Path) -> SourceDocument:
    """A PDF that is only pictures of pages, read by OCR."""
    _check_tesseract(path, "PDF chỉ có ảnh chụp/scan, không có lớp chữ")
    import pypdfium2 as pdfium  # an optional heavy import: only when a scan is read

    try:
        pdf = pdfium.PdfDocument(str(path))
        images = [page.render(scale=_DPI / 72, grayscale=True).to_pil() for page in pdf]
        pdf.close()
    except pdfium.PdfiumError:
        raise DocumentError(f"{path}: không mở được file PDF để nhận dạng chữ; hãy quét (scan) lại") from None
    return _read_pages(path, "pdf-ocr", images)


def read_image(path: Path) -> SourceDocument:
    """A photo or scan of the document (.png, .jpg, .tif; a multi-page TIFF page by page)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    read_bytes(path)
    _check_tesseract(path, "ảnh chụp/scan văn bản")
    try:
        with Image.open(path) as picture:
            images = [frame.convert("L") for frame in ImageSequence.Iterator(picture)]
    except (UnidentifiedImageError, OSError):
        raise DocumentError(
            f"{path}: không mở được ảnh (hỏng hoặc không phải ảnh); hãy chụp hoặc quét lại"
        ) from None
    return _read_pages(path, "image-ocr", images)


def _check_tesseract(path: Path, what: str) -> None:
    """A clear message, in the officer's words, when OCR cannot run here."""
    import pytesseract

    if shutil.which("tesseract") is None:
        raise DocumentError(
            f"{path}: {what}; cần phần mềm nhận dạng chữ Tesseract để đọc. Cài đặt: {_INSTALL} "
            "rồi nhập lại (hoặc dùng file .docx/.pdf gốc)"
        )
    try:
        languages = pytesseract.get_languages(config="")
    except pytesseract.TesseractError:
        languages = []
    if "vie" not in languages:
        raise DocumentError(
            f"{path}: {what}; Tesseract chưa có dữ liệu tiếng Việt. Cài đặt: {_INSTALL} rồi nhập lại"
        )


def _read_pages(path: Path, kind: str, images: list[Any]) -> SourceDocument:
    # One Tesseract thread per page: two pages at once use both cores without contention.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        pages = list(pool.map(_read_page, images, range(1, len(images) + 1)))
    blocks = joined_tables(
        [block for page in pages for _, block in sorted(page.blocks, key=lambda item: item[0])]
    )
    doubtful = sum(p.doubtful for p in pages)
    notes = [
        f"văn bản đọc bằng nhận dạng chữ (OCR) từ {len(pages)} trang ảnh"
        + (f"; {doubtful} từ đọc không chắc được đánh dấu {DOUBTFUL}" if doubtful else "")
        + "; hãy đối chiếu bản nháp với bản giấy"
    ]
    return SourceDocument(str(path), kind, blocks, notes=notes)


def _read_page(image: Any, number: int) -> _Page:
    import pytesseract

    straight = deskew(image.convert("L"))
    grids = find_grids(straight)
    gray = without_rules(straight, grids)
    data = pytesseract.image_to_data(gray, lang="vie", config="--psm 3", output_type=pytesseract.Output.DICT)
    words = list(_words(data))
    page = _Page(doubtful=sum(1 for w in words if 0 <= w.conf < _SURE))
    where = f"trang {number} (OCR)"
    loose: list[_Word] = []
    for word in words:
        if not any(grid.contains(*word.centre) for grid in grids):
            loose.append(word)
    for index, grid in enumerate(grids, start=1):
        inside = [w for w in words if grid.contains(*w.centre) and w.text.strip(_BORDER)]
        rows = _grid_rows(grid, inside, gray)
        for block in table_blocks(rows, f"trang {number}, bảng {index} (OCR)"):
            page.blocks.append((grid.top, block))
    for top, _, text in by_columns(paragraph_lines(_pieces(loose))):
        page.blocks.append((top, Line(text, where)))
    return page


def _read_cell(gray: Any, box: tuple[int, int, int, int]) -> list[_Word]:
    """The words of one cell read as a single line (Tesseract's page layout analysis
    drops a lone short word such as a row number)."""
    import pytesseract

    crop = gray.crop(box)
    data = pytesseract.image_to_data(crop, lang="vie", config="--psm 7", output_type=pytesseract.Output.DICT)
    return [w for w in _words(data) if w.text.strip(_BORDER)]


def _reread_numbers(grid: Grid, values: dict[int, str], gray: Any) -> None:
    """A row number read as a mark ("¬" for "1", "Í" for "I") is read again alone, as one
    line: kept when it then reads as a number ("1", "2.1", "II", "a)"), with its doubt mark."""
    boxes = grid.boxes()
    for r in range(grid.height):
        cell = grid.owner[r][0]
        text = values.get(cell, "")
        bare = text.replace(DOUBTFUL, "").strip()
        if not bare or len(bare) > 4 or _ROW_NUMBER.match(bare) or cell not in boxes:
            continue
        if _ROW_NUMBER.match(bare.translate(_ROMAN_I)):  # "Í", "ÌI": a roman number with a tone mark
            values[cell] = bare.translate(_ROMAN_I)
            continue
        again = _read_cell(gray, boxes[cell])
        if again and _ROW_NUMBER.match("".join(w.text for w in again).translate(_ROMAN_I)):
            values[cell] = "".join(w.text for w in again).translate(_ROMAN_I) + DOUBTFUL


def _words(data: dict[str, list[Any]]) -> Iterable[_Word]:
    for i, text in enumerate(data["text"]):
        text = _vietnamese(clean(str(text))).strip().strip("|")
        if not text:
            continue
        left, top = int(data["left"][i]), int(data["top"][i])
        yield _Word(
            text,
            float(data["conf"][i]),
            left,
            top,
            left + int(data["width"][i]),
            top + int(data["height"][i]),
            (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i])),
        )


def _vietnamese(text: str) -> str:
    """Lookalikes Tesseract gives: eth for "Đ", a doubled "ĐĐ", the fraction slash in dates."""
    text = text.replace("Ð", "Đ").replace("ð", "đ").replace("ĐĐ", "Đ")
    return re.sub(r"[/⁄∕]+", "/", text)


def _lines(words: list[_Word]) -> list[tuple[float, str]]:
    """Words back into Tesseract's lines, each placed at its top."""
    lines: dict[tuple[int, int, int], list[_Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    out = []
    for group in lines.values():
        group.sort(key=lambda w: w.left)
        out.append((float(min(w.top for w in group)), " ".join(w.shown for w in group)))
    return sorted(out, key=lambda item: item[0])


def _pieces(words: list[_Word]) -> list[list[Piece]]:
    """Tesseract's lines, each cut where a wide gap separates two columns."""
    lines: dict[tuple[int, int, int], list[_Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    out: list[list[Piece]] = []
    for group in sorted(lines.values(), key=lambda g: min(w.top for w in g)):
        group.sort(key=lambda w: w.left)
        char = sum(w.right - w.left for w in group) / max(1, sum(len(w.text) for w in group))
        stretches: list[list[_Word]] = [[group[0]]]
        for word in group[1:]:
            if word.left - stretches[-1][-1].right > 4 * char:
                stretches.append([word])
            else:
                stretches[-1].append(word)
        out.append([
            (s[0].left, s[-1].right, min(w.top for w in s), max(w.bottom for w in s), _text(s))
            for s in stretches
        ])  # fmt: skip
    return out


def _text(words: list[_Word]) -> str:
    return " ".join(w.shown for w in words)


def _grid_rows(grid: Grid, words: list[_Word], gray: Any) -> tuple[tuple[str, ...], ...]:
    """The words of each cell of a ruled table, in reading order; a merged cell's text
    once across its columns, repeated down its rows. A cell where the page reading
    found nothing but that has ink (a lone row number) is read again on its own."""
    texts: dict[int, list[_Word]] = {}
    for word in words:
        cell = grid.cell_at(*word.centre)
        if cell is not None:
            texts.setdefault(cell, []).append(word)
    for cell, box in grid.boxes().items():
        if cell not in texts and has_ink(gray, box):
            texts[cell] = _read_cell(gray, box)
    values = {cell: " ".join(text for _, text in _lines(group)) for cell, group in texts.items()}
    _reread_numbers(grid, values, gray)
    rows: list[tuple[str, ...]] = []
    for r in range(grid.height):
        row: list[str] = []
        for c in range(grid.width):
            owner = grid.owner[r][c]
            first_column = c == 0 or grid.owner[r][c - 1] != owner
            row.append(values.get(owner, "") if first_column else "")
        rows.append(tuple(row))
    return tuple(rows)
