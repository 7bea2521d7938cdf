"""Read a plan document (.txt, .docx, .pdf) into lines and tables.

Only this module touches files. A DOCX is read with python-docx: paragraphs and tables
in document order, a table's merged cells once. A PDF is read with pdfplumber: the
tables it finds on a page are kept as tables, the rest of the page as lines, in the
order they stand on the page. A PDF without a text layer (a scan) is refused: OCR is
out of scope, and guessing would be worse than saying so.
"""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path
from typing import Any

from planflow.errors import DocumentError
from planflow.importer.document import Block, Line, SourceDocument, Table

SUFFIXES = (".txt", ".docx", ".pdf")


def read_document(path: Path) -> SourceDocument:
    """The lines and tables of ``path``; DocumentError when it cannot be read."""
    if not path.exists():
        raise DocumentError(f"{path}: không có file này; kiểm tra lại đường dẫn")
    if not path.is_file():
        raise DocumentError(f"{path}: không phải một file")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DocumentError(
            f"{path}: không đọc được loại file '{path.suffix or '(không có đuôi)'}'; "
            "hãy dùng văn bản .txt, .docx hoặc .pdf (file .doc cũ: lưu lại dạng .docx)"
        )
    reader = {".txt": _read_txt, ".docx": _read_docx, ".pdf": _read_pdf}[suffix]
    document = reader(path)
    if document.text_size == 0:
        raise DocumentError(f"{path}: file không có chữ nào; kiểm tra lại file (có phải bản trống?)")
    return document


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u200b", "")


def _read_txt(path: Path) -> SourceDocument:
    raw = _read_bytes(path)
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DocumentError(
            f"{path}: văn bản không phải mã UTF-8; mở bằng trình soạn thảo và lưu lại dạng UTF-8"
        )
    if "\x00" in text:
        raise DocumentError(f"{path}: file nhị phân, không phải văn bản .txt")
    # Form feeds are page breaks in text taken from a PDF: a line break is enough.
    lines = _clean(text).replace("\f", "\n").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return SourceDocument(
        str(path), "txt", [Line(line, f"dòng {n}") for n, line in enumerate(lines, start=1)]
    )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path}: không đọc được file ({exc.strerror})") from None


def _read_docx(path: Path) -> SourceDocument:
    import docx  # an optional heavy import: only when a DOCX is read
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table as DocxTable

    _read_bytes(path)  # a clear message for unreadable files
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        raise DocumentError(
            f"{path}: không mở được file Word (.docx hỏng hoặc không phải .docx); "
            "mở bằng Word/LibreOffice và lưu lại dạng .docx"
        ) from None
    blocks: list[Block] = []
    paragraph_no = 0
    table_no = 0
    for item in document.iter_inner_content():
        if isinstance(item, DocxTable):
            table_no += 1
            blocks.append(Table(_docx_rows(item), f"bảng {table_no}"))
            continue
        paragraph_no += 1
        # A paragraph may hold manual line breaks; each is a line of its own.
        for part in _clean(item.text).split("\n"):
            blocks.append(Line(part, f"đoạn {paragraph_no}"))
    return SourceDocument(str(path), "docx", blocks)


def _docx_rows(table: Any) -> tuple[tuple[str, ...], ...]:
    """Rows of cell texts; a cell merged across columns counts once (the others are
    empty), a cell merged down rows repeats, as each row needs its value."""
    rows: list[tuple[str, ...]] = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            same = previous is not None and cell._tc is previous
            cells.append("" if same else _clean(cell.text).strip())
            previous = cell._tc
        rows.append(tuple(cells))
    return tuple(rows)


def _read_pdf(path: Path) -> SourceDocument:
    import pdfplumber  # an optional heavy import: only when a PDF is read
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    _read_bytes(path)
    blocks: list[Block] = []
    images = 0
    try:
        with pdfplumber.open(str(path)) as pdf:
            if not pdf.pages:
                raise DocumentError(f"{path}: file PDF không có trang nào")
            for number, page in enumerate(pdf.pages, start=1):
                images += len(page.images)
                blocks += _pdf_page(page, number)
    except (PdfminerException, PDFSyntaxError):
        raise DocumentError(
            f"{path}: không mở được file PDF (hỏng, bị mã hóa hoặc không phải PDF); "
            "hãy xuất lại PDF từ file gốc"
        ) from None
    document = SourceDocument(str(path), "pdf", blocks)
    if document.text_size == 0 and images:
        raise DocumentError(
            f"{path}: PDF chỉ có ảnh chụp/scan, không có lớp chữ; planflow không nhận dạng chữ "
            "trong ảnh. Hãy dùng file .docx/.pdf gốc hoặc chạy OCR (vd. ocrmypdf) rồi nhập lại"
        )
    return document


def _pdf_page(page: Any, number: int) -> list[Block]:
    """A page as lines and tables, ordered top to bottom."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    placed: list[tuple[float, Block]] = []
    for line in page.extract_text_lines(return_chars=False):
        middle_y = (line["top"] + line["bottom"]) / 2
        middle_x = (line["x0"] + line["x1"]) / 2
        if any(x0 <= middle_x <= x1 and top <= middle_y <= bottom for x0, top, x1, bottom in boxes):
            continue
        placed.append((line["top"], Line(_clean(line["text"]), f"trang {number}")))
    for index, table in enumerate(tables, start=1):
        rows = tuple(tuple(_clean(cell or "").strip() for cell in row) for row in table.extract() if row)
        placed.append((table.bbox[1], Table(rows, f"trang {number}, bảng {index}")))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]
