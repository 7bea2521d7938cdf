"""The outline of a plan: its numbered parts, items and bullets, as a tree.

Vietnamese administrative documents number their parts in a fixed way (Decree
30/2020): Roman numerals for the main parts (I., II.), Arabic numbers below them (1.,
2.1.), letters below those (a), b. — the alphabet without f, j, w, z in formal texts but
not always), then dashes and plus signs. Extraction breaks lines mid-sentence and puts
blank lines anywhere, so paragraphs are rebuilt first: a line joins the previous one
unless it opens a numbered item, a bullet, a field label ("Thời gian: …") or a new
sentence after a full stop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planflow.importer.document import Block, Table
from planflow.importer.fields import field_of
from planflow.when import normalize

_ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("roman", re.compile(rf"^({_ROMAN})\s*[.)]\s*(?=\S)")),
    ("number", re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\s*[.)]\s*(?=\D)")),
    ("number", re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\s+(?=[^\d\s])")),
    ("letter", re.compile(r"^([a-zđ])\s*[.)]\s+(?=\S)")),
    ("dash", re.compile(r"^([-–—•])\s*(?=\S)")),
    ("plus", re.compile(r"^(\+)\s*(?=\S)")),
)
_RANK = {"roman": 1, "number": 2, "letter": 6, "dash": 7, "plus": 8}
# Parts of the document's frame: each closes whatever item was open.
FRAME = ("appendix", "recipients", "signature", "closing")
_SIGNATURE = re.compile(r"^(?:TM|KT|Q|TL|TUQ)\s*\.\s*[A-ZÀ-ỸĐ]|^(?:PHÓ\s+)?CHỦ\s+TỊCH\b")
_BARE_MARKER = re.compile(rf"^(?:{_ROMAN}|\d{{1,2}}(?:\.\d{{1,2}}){{0,3}}|[a-zđ])\s*[.)]$")
_SENTENCE_END = re.compile(r"(?:[.;:!?…]|\./\.|[.;:]\s*[”\"»)])\s*$")
_OPENERS = re.compile(
    r"^(?:Căn cứ|Thực hiện\b|[Nn]ơi nhận|Kính gửi|Số\s*:|KẾ HOẠCH\s*$|Kế hoạch\s*$|[Pp]h[ụu] l[ụu]c|PHỤ LỤC|"
    r"TM\s*\.|KT\s*\.|Trên đây)"
)


@dataclass
class Paragraph:
    """A rebuilt paragraph: its marker (kind and label) if any, its text, where it began."""

    text: str
    where: str
    kind: str | None = None
    label: str | None = None


@dataclass
class Node:
    """An item of the outline with the paragraphs that follow it and its sub-items."""

    kind: str  # root, roman, number, letter, dash, plus, table
    label: str | None
    text: str
    where: str
    body: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    table: Table | None = None
    parent: Node | None = field(default=None, repr=False)

    @property
    def depth(self) -> int:
        if self.kind == "number" and self.label:
            return _RANK["number"] + self.label.count(".")
        if self.kind in FRAME:
            return 0
        return _RANK.get(self.kind, 0)

    def walk(self) -> list[Node]:
        out = [self]
        for child in self.children:
            out += child.walk()
        return out

    @property
    def full_text(self) -> str:
        return " ".join([self.text, *self.body]).strip()

    @property
    def path(self) -> list[Node]:
        node: Node | None = self
        out: list[Node] = []
        while node is not None and node.kind != "root":
            out.append(node)
            node = node.parent
        return list(reversed(out))


def paragraphs(blocks: list[Block]) -> list[Paragraph | Table]:
    """Lines joined into paragraphs; tables kept in their place."""
    out: list[Paragraph | Table] = []
    current: Paragraph | None = None
    marker = ""
    for block in blocks:
        if isinstance(block, Table):
            current = None
            out.append(block)
            continue
        text = _tidy(block.text)
        if not any(c.isalnum() for c in text):
            continue  # blank, or a rule drawn with dashes or bars (under the issuer's name)
        if _BARE_MARKER.match(text):
            marker = text  # "III." alone on its line: the heading's words follow
            continue
        text, marker = f"{marker} {text}".strip(), ""
        kind, label, rest = split_marker(text)
        if current is None or _starts_paragraph(current, text, kind):
            current = Paragraph(rest if kind else text, block.where, kind, label)
            out.append(current)
        else:
            current.text = f"{current.text} {text}"
    for item in out:
        if isinstance(item, Paragraph) and item.kind is None:
            item.kind = _frame_kind(item.text)
    return out


def _frame_kind(text: str) -> str | None:
    lowered = normalize(text)
    if lowered.startswith("phụ lục"):
        return "appendix"
    if lowered.startswith("nơi nhận"):
        return "recipients"
    if _SIGNATURE.match(text):
        return "signature"
    if lowered.startswith("trên đây") or lowered.endswith("./."):
        return "closing"
    return None


def _tidy(text: str) -> str:
    text = re.sub(r"</?(?:i|b|u|em|strong|br|sup|sub)\s*/?>", "", text)
    text = text.replace("**", "")
    text = re.sub(r"(?<![\w*])\*(?=[(\w])|(?<=[)\w.])\*(?![\w*])", "", text)
    return re.sub(r"\s+", " ", text).strip()


def split_marker(text: str) -> tuple[str | None, str | None, str]:
    """(kind, label, rest) of a paragraph opening with a list marker, else (None, None, text)."""
    for kind, pattern in _MARKERS:
        match = pattern.match(text)
        if match is None:
            continue
        label = match.group(1)
        if kind == "roman" and not label:
            continue
        if kind == "letter" and label in ("i", "v", "x") and re.match(r"^[ivx]\.\s", text):
            continue  # a lowercase Roman numeral, not a letter
        return kind, label, text[match.end() :].strip()
    return None, None, text


def _starts_paragraph(current: Paragraph, text: str, kind: str | None) -> bool:
    if kind is not None or _OPENERS.match(text) or field_of(text) is not None:
        return True
    if is_caps(text) and not _upper(current.text):
        return True
    if is_caps(current.text) and not is_caps(text):
        return True  # a heading in capitals ends at the first line in lower case
    starts_upper = text[:1].isupper() or text[:1] in '“"('
    return bool(starts_upper and _SENTENCE_END.search(current.text))


def _upper(text: str) -> bool:
    """Capitals only, however short ("III. LỘ" broken before "TRÌNH THỰC HIỆN")."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def is_caps(text: str) -> bool:
    """Whether a line is written in capitals (a heading, a signature title)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def build_outline(items: list[Paragraph | Table]) -> Node:
    """A tree of numbered parts: each item under the nearest item of a higher rank."""
    root = Node("root", None, "", "")
    stack = [root]
    for item in items:
        if isinstance(item, Table):
            node = Node("table", None, "", item.where, table=item)
            _attach(stack[-1] if stack[-1].kind != "root" else root, node)
            continue
        if item.kind is None:
            stack[-1].body.append(item.text) if stack[-1].kind != "root" else _attach(
                root, Node("text", None, item.text, item.where)
            )
            continue
        node = Node(item.kind, item.label, item.text, item.where)
        if item.kind in FRAME:
            stack = [root]
        while len(stack) > 1 and stack[-1].depth >= node.depth:
            stack.pop()
        _attach(stack[-1], node)
        stack.append(node)
    return root


def _attach(parent: Node, node: Node) -> None:
    node.parent = parent
    parent.children.append(node)


def heading_key(node: Node) -> str:
    """The normalized heading of a part, for recognising what it is about."""
    return normalize(node.text).strip(" :.")
