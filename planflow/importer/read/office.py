"""Word files: .docx with python-docx, and .doc/.odt/.rtf through LibreOffice.

Paragraphs and tables come in document order. A table is read once: a cell merged
down rows repeats its text in each row, a cell merged across columns keeps its text in
the first column only. A one-cell table (a frame around content) is unwrapped; a table
nested in a cell is read after the table that holds it. Borderless layout tables (the
header with the motto, the signature with "Nơi nhận") become lines, see
:func:`planflow.importer.read.common.table_blocks`. Text in text boxes and shapes,
which python-docx does not see, is read from the XML; footnotes are kept as notes.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from planflow.errors import DocumentError
from planflow.importer.document import Block, Line, SourceDocument
from planflow.importer.read.common import clean, read_bytes, table_blocks
from planflow.soffice import convert

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_CONVERT_SECONDS = 120
# How each format LibreOffice converts begins: LibreOffice opens anything else as text.
_MAGIC = {".doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".odt": b"PK\x03\x04", ".rtf": b"{\\rtf"}


def read_docx(path: Path) -> SourceDocument:
    """Lines and tables of a .docx file."""
    return _DocxReader(path, "docx").read()


def read_converted(path: Path) -> SourceDocument:
    """An old Word (.doc), OpenDocument or RTF file, converted to .docx by LibreOffice
    running headless, then read as one."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise DocumentError(
            f"{path}: cần LibreOffice để đọc file {path.suffix}; "
            "cài đặt (apt-get install libreoffice-writer) "
            "hoặc mở file bằng Word và lưu lại dạng .docx rồi nhập lại"
        )
    if not read_bytes(path).startswith(_MAGIC[path.suffix.lower()]):
        raise DocumentError(
            f"{path}: không mở được file Word ({path.suffix} hỏng hoặc không phải {path.suffix}); "
            "mở bằng Word/LibreOffice và lưu lại dạng .docx"
        )
    with tempfile.TemporaryDirectory(prefix="planflow-doc-") as folder:
        try:
            done = convert(soffice, path.resolve(), "docx", Path(folder), timeout=_CONVERT_SECONDS)
        except subprocess.TimeoutExpired:
            raise DocumentError(
                f"{path}: LibreOffice không chuyển được file sau {_CONVERT_SECONDS} giây; "
                "mở file bằng Word và lưu lại dạng .docx"
            ) from None
        if done.output is None and done.code != 0:
            raise DocumentError(
                f"{path}: LibreOffice dừng giữa chừng khi chuyển file ({done.detail}); thử lại, "
                "hoặc mở file bằng Word và lưu lại dạng .docx"
            )
        if done.output is None:
            raise DocumentError(
                f"{path}: LibreOffice không mở được file (hỏng hoặc không phải {path.suffix}); "
                "mở bằng Word và lưu lại dạng .docx"
            )
        converted = done.output
        document = _DocxReader(converted, path.suffix.lstrip(".").lower()).read()
    document.path = str(path)
    return document


class _DocxReader:
    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind
        self.blocks: list[Block] = []
        self.paragraphs = 0
        self.tables = 0
        self.notes: list[str] = []

    def read(self) -> SourceDocument:
        import docx  # an optional heavy import: only when a Word file is read
        from docx.opc.exceptions import PackageNotFoundError

        read_bytes(self.path)
        try:
            document = docx.Document(str(self.path))
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
            raise DocumentError(
                f"{self.path}: không mở được file Word (.docx hỏng hoặc không phải .docx); "
                "mở bằng Word/LibreOffice và lưu lại dạng .docx"
            ) from None
        self._content(document)
        return SourceDocument(str(self.path), self.kind, self.blocks, _footnotes(self.path), self.notes)

    def _content(self, container: Any) -> None:
        from docx.table import Table as DocxTable

        for item in container.iter_inner_content():
            if isinstance(item, DocxTable):
                self._table(item)
            else:
                self._paragraph(item)

    def _paragraph(self, paragraph: Any) -> None:
        self.paragraphs += 1
        where = f"đoạn {self.paragraphs}"
        # A paragraph may hold manual line breaks; each is a line of its own.
        for part in clean(paragraph.text).split("\n"):
            self.blocks.append(Line(part, where))
        boxes = _text_boxes(paragraph._p)
        if boxes:
            self.notes.append(
                f"{where}: có chữ trong khung văn bản (text box), đã đọc vào sau đoạn này; "
                "hãy kiểm tra vị trí"
            )
        for text in boxes:
            self.blocks.append(Line(text, f"{where}, khung văn bản"))

    def _table(self, table: Any) -> None:
        grid = _cells(table)
        if len(grid) == 1 and len({id(c._tc) for c in grid[0]}) == 1:
            self._content(grid[0][0])  # a frame around content: read what is inside
            return
        self.tables += 1
        where = f"bảng {self.tables}"
        rows = tuple(_row_texts(row) for row in grid)
        self.blocks += table_blocks(rows, where)
        seen: set[int] = set()
        for row in grid:
            for cell in row:
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                for inner in cell.tables:
                    self._table(inner)


def _cells(table: Any) -> list[list[Any]]:
    """The grid of cells, row by row (python-docx gives a merged cell at every grid
    position it covers, the same object each time)."""
    from docx.table import _Cell

    try:
        return [list(row.cells) for row in table.rows]
    except (IndexError, ValueError):  # a grid python-docx cannot lay out: the cells as written
        return [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


def _row_texts(cells: list[Any]) -> tuple[str, ...]:
    """A row's texts: a cell merged across columns once (then empty), a cell merged
    down from the row above repeated (its ``_tc`` is the same object in both rows)."""
    out: list[str] = []
    previous = None
    for cell in cells:
        out.append("" if cell._tc is previous else _cell_text(cell))
        previous = cell._tc
    return tuple(out)


def _cell_text(cell: Any) -> str:
    parts = [clean(p.text).strip() for p in cell.paragraphs]
    parts += [t for p in cell.paragraphs for t in _text_boxes(p._p)]
    return "\n".join(p for p in parts if p)


def _text_boxes(element: Any) -> list[str]:
    """Paragraph texts inside the text boxes and shapes anchored in ``element`` (the
    DrawingML copy only: Word writes a VML fallback of the same box)."""
    out: list[str] = []
    for box in element.iter(f"{{{_W}}}txbxContent"):
        if any(a.tag == f"{{{_MC}}}Fallback" for a in box.iterancestors()):
            continue
        for paragraph in box.iter(f"{{{_W}}}p"):
            text = "".join(t.text or "" for t in paragraph.iter(f"{{{_W}}}t"))
            if text.strip():
                out.append(clean(text).strip())
    return out


def _footnotes(path: Path) -> list[str]:
    """The footnotes' texts ("1. Lấy ngày 10 tháng 10 …"), numbered in order."""
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as archive:
            if "word/footnotes.xml" not in archive.namelist():
                return []
            root = etree.fromstring(archive.read("word/footnotes.xml"))
    except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError):
        return []
    notes: list[str] = []
    for note in root.iter(f"{{{_W}}}footnote"):
        if note.get(f"{{{_W}}}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = " ".join("".join(t.text or "" for t in p.iter(f"{{{_W}}}t")) for p in note.iter(f"{{{_W}}}p"))
        text = clean(" ".join(text.split()))
        if text:
            notes.append(f"{len(notes) + 1}. {text}")
    return notes
