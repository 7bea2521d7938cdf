"""Markdown and HTML pages, as legal-document portals publish plans.

A portal page wraps the document in its own banners, menus and metadata, flattens the
document's tables (see :mod:`planflow.importer.read.flat`), breaks lines every eighty
characters or so, and leaves emphasis markers where the Word file had bold or italics,
sometimes mid-word. The reader keeps the document alone (from the national motto on,
up to the page's own headings after it), rebuilds the tables, and joins each paragraph
again: a line break stays only where a new item starts (a bullet, a number, a bold or
italic run of its own, a line of capitals under a line that is not).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from planflow.errors import DocumentError
from planflow.importer.document import Block, Line, SourceDocument
from planflow.importer.read.common import (
    LOWER_DASH,
    clean,
    is_rule,
    read_bytes,
    start_of_document,
    table_blocks,
)
from planflow.importer.read.flat import is_pipe, segments, split_rows, spread_heading, table_regions

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_ITEM = re.compile(
    r"^\s*(?:[-+•–]\s+(?=\D)|\d{1,2}(?:\.\d{1,2}){0,3}\s*[.)]\s+\S|[a-zđ]\)\s|[IVX]{1,5}\.\s|"
    r"(?:Căn cứ|Nơi nhận|Kính gửi|Số\s*:)\b)"
)
# The national motto as a header prints it, in capitals: a sentence naming the country is no header.
_MOTTO = re.compile(r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM")


def decode(path: Path) -> str:
    """The file's text: UTF-8 (with or without BOM), or UTF-16 when its BOM says so."""
    raw = read_bytes(path)
    encoding = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" not in text:
        return clean(text).replace("\r\n", "\n").replace("\r", "\n")
    raise DocumentError(f"{path}: văn bản không phải mã UTF-8; mở bằng trình soạn thảo và lưu lại dạng UTF-8")


# --- Markdown -------------------------------------------------------------------------


def read_markdown(path: Path) -> SourceDocument:
    """Lines and tables of a Markdown page, the portal's wrapping taken off."""
    lines = _document_lines(decode(path).split("\n"))
    blocks: list[Block] = []
    done = 0
    for first, last in table_regions(lines):
        blocks += _text_blocks(lines[done:first], done)
        cells = [
            ["\n".join(paragraphs_of(c)) for c in row]
            for row in split_rows(segments(lines[first : last + 1]))
        ]
        width = max((len(r) for r in cells), default=0)
        rows = tuple(tuple(r) for r in spread_heading(cells, width))
        blocks += table_blocks(rows, f"dòng {first + 1}")
        done = last + 1
    blocks += _text_blocks(lines[done:], done)
    return SourceDocument(str(path), "md", start_of_document(blocks))


def _document_lines(lines: list[str]) -> list[str]:
    """The published document alone: it starts at the `|` of the issuing body's cell,
    left of the national motto's, and ends where the page's own headings ("## Văn bản
    liên quan") begin after it (an official text has no Markdown headings)."""
    found = _MOTTO.search(re.sub(r"[*_]", "", "\n".join(lines)))
    if found is None:
        return lines
    motto = re.sub(r"[*_]", "", "\n".join(lines))[: found.start()].count("\n")
    pipes = [i for i in range(motto) if is_pipe(lines[i])]
    start = pipes[-2] if len(pipes) >= 2 and not is_pipe(lines[pipes[-1] - 1]) else (pipes or [0])[-1]
    end = next((i for i in range(motto, len(lines)) if _HEADING.match(lines[i])), len(lines))
    return lines[start:end]


def _text_blocks(lines: list[str], offset: int) -> list[Block]:
    """Paragraphs of running text: blank lines separate them, a heading is one."""
    blocks: list[Block] = []
    chunk: list[str] = []
    start = offset

    def flush() -> None:
        where = f"dòng {start + 1}"
        if len(chunk) >= 2 and _DELIMITER_ROW.match(chunk[1]):
            blocks.extend(table_blocks(pipe_table(chunk), where))
        elif chunk and chunk[0].lstrip().lower().startswith("<table"):
            blocks.extend(_html_table(chunk, where))
        else:
            blocks.extend(Line(text, where) for text in paragraphs_of(chunk))
        chunk.clear()

    for n, line in enumerate(lines, start=offset):
        heading = _HEADING.match(line)
        if not line.strip() or heading:
            flush()
            if heading and heading.group(2).strip():
                blocks.append(Line(inline_text(heading.group(2)), f"dòng {n + 1}"))
            start = n + 1
            continue
        if not chunk:
            start = n
        chunk.append(line)
    flush()
    return blocks


def pipe_table(lines: list[str]) -> tuple[tuple[str, ...], ...]:
    """A Markdown pipe table (GFM, as pandoc writes it), parsed by markdown-it."""
    tokens = _markdown().parse("\n".join(lines))
    rows: list[tuple[str, ...]] = []
    cells: list[str] = []
    for token in tokens:
        if token.type == "tr_open":
            cells = []
        elif token.type == "inline":
            cells.append(inline_text(token.content.replace("<br>", "\n")))
        elif token.type == "tr_close":
            rows.append(tuple(cells))
    return tuple(rows)


def _html_table(lines: list[str], where: str) -> list[Block]:
    """A raw HTML table inside Markdown (pandoc writes one for merged cells)."""
    import lxml.html

    fragment = lxml.html.fragment_fromstring("\n".join(lines), create_parent="div")
    out: list[Block] = []
    for table in fragment.iter("table"):
        rows, _ = html_rows(table)
        out += table_blocks(rows, where)
    return out


def paragraphs_of(lines: list[str]) -> list[str]:
    """The paragraphs of lines broken by page width: a break is kept only before a new
    item, around a bold or italic run of its own, and between a heading in capitals
    and the text under it; a line of dashes is dropped."""
    out: list[list[str]] = []
    open_marks = False
    for raw in lines:
        line = raw.strip()
        if not line or is_rule(line):
            open_marks = False
            if out and out[-1]:
                out.append([])
            continue
        if out and out[-1] and not open_marks and not _keeps_going(out[-1][-1], line):
            out.append([])
        if not out:
            out.append([])
        out[-1].append(line)
        open_marks = _open_emphasis(" ".join(out[-1]))
    texts = [inline_text(" ".join(p)) for p in out if p]
    return [t for t in texts if t]


def _keeps_going(previous: str, line: str) -> bool:
    plain = _strip_marks(line)
    if LOWER_DASH.match(plain) and not _strip_marks(previous).endswith((":", ";", ".")):
        return True  # "Kế hoạch tài chính / - ngân sách nhà nước": a dash inside the sentence
    if _ITEM.match(plain):
        return False
    if previous.endswith("*") or line.startswith("*"):
        return False  # a bold or italic run of its own: a heading, a name, a place and date
    left, right = _strip_marks(previous), _strip_marks(line)
    return _caps(left) == _caps(right) or not _caps(left)


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _strip_marks(text: str) -> str:
    return re.sub(r"[*_]+", "", text).strip()


def _open_emphasis(text: str) -> bool:
    """Whether a bold or italic run opened in ``text`` is still open at its end."""
    strong = text.count("**")
    single = text.replace("**", "").count("*")
    return strong % 2 == 1 or single % 2 == 1


@cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def inline_text(text: str) -> str:
    """Plain text of one paragraph of Markdown: links, escapes and entities resolved by
    markdown-it, emphasis dropped, and the markers it could not pair (a portal puts
    them mid-word or after a space: "công) *để") taken out."""
    tokens = _markdown().parseInline(text)
    parts: list[str] = []
    for token in tokens[0].children or [] if tokens else []:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    plain = "".join(parts)
    plain = re.sub(r"(?<!\()\*+|\*+(?!\))", "", plain)
    return re.sub(r"\s+", " ", plain).strip()


# --- HTML -----------------------------------------------------------------------------

_DROP = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "iframe",
    "svg",
)
_BLOCK = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "section",
    "article",
    "blockquote",
    "pre",
    "dd",
    "dt",
}


def read_html(path: Path) -> SourceDocument:
    """Lines and tables of an HTML page (lxml): the page's navigation and scripts out,
    tables with their merged cells, nested tables after the table that holds them."""
    import lxml.html  # an optional heavy import: only when HTML is read
    from lxml.etree import ParserError

    try:
        source: str | bytes = decode(path)
    except DocumentError:  # an older page in another encoding: lxml follows its <meta charset>
        source = read_bytes(path)
    try:
        root = lxml.html.document_fromstring(source)
    except (ParserError, ValueError):
        raise DocumentError(
            f"{path}: không đọc được trang HTML này; hãy lưu lại trang hoặc dùng bản .docx/.pdf"
        ) from None
    for element in root.xpath("|".join(f"//{tag}" for tag in _DROP)):
        element.drop_tree()
    walker = _HtmlWalker()
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    return SourceDocument(str(path), "html", start_of_document(walker.blocks))


class _HtmlWalker:
    """Document order: text gathered into paragraphs at block boundaries, tables whole."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.text: list[str] = []
        self.tables = 0

    def flush(self) -> None:
        text = re.sub(r"\s+", " ", clean("".join(self.text))).strip()
        self.text = []
        if text and not is_rule(text):
            self.blocks.append(Line(text, f"đoạn {len(self.blocks) + 1}"))

    def walk(self, element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "table":
            self.flush()
            self.tables += 1
            where = f"bảng {self.tables}"
            rows, inner = html_rows(element)
            self.blocks += table_blocks(rows, where)
            for table in inner:
                self.walk(table)
            self._tail(element)
            return
        if tag in _BLOCK or tag == "br":
            self.flush()
        if element.text and tag not in ("br",):
            self.text.append(element.text)
        for child in element:
            self.walk(child)
        if tag in _BLOCK:
            self.flush()
        self._tail(element)

    def _tail(self, element: Any) -> None:
        if element.tail:
            self.text.append(element.tail)


def html_rows(table: Any) -> tuple[tuple[tuple[str, ...], ...], list[Any]]:
    """Rows of an HTML table with rowspan repeated and colspan as empty cells, and the
    tables nested in its cells (read on their own)."""
    grid: dict[tuple[int, int], str] = {}
    inner: list[Any] = []
    rows = [tr for tr in table.iter("tr") if _owner(tr) is table]
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            nested = [t for t in cell.iter("table") if _owner(t) is table]
            inner += nested
            text = _cell_text(cell, nested)
            span_r = _span(cell.get("rowspan"))
            span_c = _span(cell.get("colspan"))
            for dr in range(span_r):
                for dc in range(span_c):
                    grid[(r + dr, c + dc)] = text if dc == 0 else ""
            c += span_c
    if not grid:
        return (), inner
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    out = tuple(tuple(grid.get((r, c), "") for c in range(width)) for r in range(height))
    return out, inner


def _owner(element: Any) -> Any:
    """The nearest table above an element."""
    node = element.getparent() if element is not None else None
    while node is not None and node.tag != "table":
        node = node.getparent()
    return node


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or "1"), 50))
    except ValueError:
        return 1


def _cell_text(cell: Any, nested: list[Any]) -> str:
    """A cell's paragraphs, one per line, without the tables nested in it."""
    skip = {id(t) for t in nested}
    parts: list[str] = []
    current: list[str] = []

    def visit(element: Any) -> None:
        if id(element) in skip:
            if element.tail:
                current.append(element.tail)
            return
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _BLOCK or tag == "br":
            parts.append("".join(current))
            current.clear()
        if element.text:
            current.append(element.text)
        for child in element:
            visit(child)
        if tag in _BLOCK:
            parts.append("".join(current))
            current.clear()
        if element is not cell and element.tail:
            current.append(element.tail)

    visit(cell)
    parts.append("".join(current))
    lines = [re.sub(r"\s+", " ", clean(p)).strip() for p in parts]
    return "\n".join(line for line in lines if line and not is_rule(line))
