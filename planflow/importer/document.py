"""A document as the readers give it: lines of text and tables, in reading order.

Every block remembers where it came from (line of a text file, paragraph of a DOCX,
page of a PDF) so that a warning can point the reader to the right place.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    """One line (text file, PDF) or paragraph (DOCX) of running text."""

    text: str
    where: str


@dataclass(frozen=True)
class Table:
    """A table: rows of cells, the first rows usually its header."""

    rows: tuple[tuple[str, ...], ...]
    where: str


Block = Line | Table


@dataclass
class SourceDocument:
    """What a reader made of one file."""

    path: str
    kind: str  # "txt", "docx", "pdf"
    blocks: list[Block] = field(default_factory=list)

    @property
    def text_size(self) -> int:
        size = 0
        for block in self.blocks:
            if isinstance(block, Line):
                size += len(block.text.strip())
            else:
                size += sum(len(cell.strip()) for row in block.rows for cell in row)
        return size
