"""Plain text files (.txt), e.g. text copied out of a PDF."""

from __future__ import annotations

from pathlib import Path

from planflow.importer.document import Line, SourceDocument
from planflow.importer.read.markup import decode


def read_txt(path: Path) -> SourceDocument:
    """One line per line; form feeds (page breaks of text taken from a PDF) are line breaks."""
    lines = decode(path).replace("\f", "\n").split("\n")
    return SourceDocument(
        str(path), "txt", [Line(line, f"dòng {n}") for n, line in enumerate(lines, start=1)]
    )
