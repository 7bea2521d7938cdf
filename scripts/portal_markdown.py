"""Render a Word plan as a legal-document portal publishes it (the corpus's Markdown).

The portal's conversion, as seen in tests/importer/corpus: paragraphs hard-wrapped near 70
characters with a blank line between them, bold runs as ``**…**`` and italic ones as ``*…*``;
every table flattened to one cell per block, each cell opened by a ``|`` line and each row
closed by one, cells merged across written once, cells merged down written empty.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import docx
from docx.table import Table

WIDTH = 70


def portal_markdown(path: Path) -> str:
    """The Markdown a portal would publish for the Word file at ``path``."""
    out: list[str] = []
    for item in docx.Document(str(path)).iter_inner_content():
        if isinstance(item, Table):
            out += _table(item)
        elif item.text.strip():
            out += [*_wrap(_marked(item)), ""]
    return "\n".join(out).rstrip() + "\n"


def _marked(paragraph: Any) -> str:
    """The paragraph's text with the emphasis markers a portal keeps."""
    parts = []
    for run in paragraph.runs:
        text = run.text
        if text.strip() and run.bold:
            text = f"**{text}**"
        elif text.strip() and run.italic:
            text = f"*{text}*"
        parts.append(text)
    return "".join(parts)


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, break_long_words=False, break_on_hyphens=False) or [""]


def _cell_lines(cell: Any) -> list[str]:
    return [line for paragraph in cell.paragraphs for line in _wrap(_marked(paragraph)) if line]


def _table(table: Table) -> list[str]:
    out: list[str] = []
    above: list[Any] = []
    for row in table.rows:
        previous = None
        cells = []
        for cell in row.cells:
            if cell._tc is previous:
                continue  # merged across: written once
            previous = cell._tc
            cells.append(cell)
        for i, cell in enumerate(cells):
            merged_down = i < len(above) and above[i] is cell._tc
            out += ["|", *([] if merged_down else _cell_lines(cell))]
        out.append("|")
        above = [cell._tc for cell in cells]
    return [*out, ""]
