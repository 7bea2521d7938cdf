"""Read a plan document into lines and tables (the only module the pipeline asks).

Each kind of file has its reader under :mod:`planflow.importer.read`: plain text,
Word (.docx; .doc/.odt/.rtf through LibreOffice), PDF with a text layer, scans (PDF or
image, by OCR), and Markdown or HTML pages as legal portals publish them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from planflow.errors import DocumentError
from planflow.importer.document import SourceDocument
from planflow.importer.read.markup import read_html, read_markdown
from planflow.importer.read.ocr import IMAGE_SUFFIXES, read_image
from planflow.importer.read.office import read_converted, read_docx
from planflow.importer.read.pdf import read_pdf
from planflow.importer.read.text import read_txt

_READERS: dict[str, Callable[[Path], SourceDocument]] = {
    ".txt": read_txt,
    ".docx": read_docx,
    ".doc": read_converted,
    ".odt": read_converted,
    ".rtf": read_converted,
    ".pdf": read_pdf,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    **{suffix: read_image for suffix in IMAGE_SUFFIXES},
}
SUFFIXES = tuple(_READERS)


def read_document(path: Path) -> SourceDocument:
    """The lines and tables of ``path``; DocumentError when it cannot be read."""
    if not path.exists():
        raise DocumentError(f"{path}: không có file này; kiểm tra lại đường dẫn")
    if not path.is_file():
        raise DocumentError(f"{path}: không phải một file")
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise DocumentError(
            f"{path}: không đọc được loại file '{path.suffix or '(không có đuôi)'}'; hãy dùng "
            ".docx, .doc, .pdf (cả bản scan), ảnh chụp (.png, .jpg, .tif), .md, .html hoặc .txt"
        )
    document = reader(path)
    if document.text_size == 0:
        raise DocumentError(f"{path}: file không có chữ nào; kiểm tra lại file (có phải bản trống?)")
    return document
