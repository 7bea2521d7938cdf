"""A document as the readers give it: lines of text and tables, in reading order.

Every block remembers where it came from (line of a text file, paragraph of a DOCX,
page of a PDF) so that a warning can point the reader to the right place. What a
reader could only half read (words OCR was unsure of, a text box, a converted .doc) is
said in ``notes``, which the draft lists as warnings: nothing read by a guess is silent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Appended by the OCR reader to a word it read with low confidence ("30/11[?]"): the
# word stays, the reviewer sees the doubt, and a date so marked is never taken as sure.
DOUBTFUL = "[?]"


@dataclass(frozen=True)
class Line:
    """One line (text file, PDF) or paragraph (DOCX) of running text."""

    text: str
    where: str


@dataclass(frozen=True)
class Table:
    """A table: rows of cells, the first rows usually its header.

    A cell merged down several rows repeats its text in each row (each row needs its
    value); a cell merged across columns holds its text once, the columns it covers are
    empty strings. Paragraphs inside a cell are separated by "\\n".
    """

    rows: tuple[tuple[str, ...], ...]
    where: str


Block = Line | Table


@dataclass
class SourceDocument:
    """What a reader made of one file."""

    path: str
    kind: str  # "txt", "docx", "doc", "pdf", "pdf-ocr", "image-ocr", "md", "html"
    blocks: list[Block] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def text_size(self) -> int:
        size = 0
        for block in self.blocks:
            if isinstance(block, Line):
                size += len(block.text.strip())
            else:
                size += sum(len(cell.strip()) for row in block.rows for cell in row)
        return size
