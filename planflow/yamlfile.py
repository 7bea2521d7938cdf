"""Read one YAML definition file into plain data, refusing what nobody means to write.

The data is what ``yaml.safe_load`` gives (keys as strings), built by libyaml's parser when
PyYAML has it. What safe_load would accept silently or crash on is refused here with a
located problem instead: an impossible date (``by: 2025-02-29``), a control character (NUL
included: PostgreSQL refuses it), a key written twice, nesting deeper than a plan ever
needs, and aliases that expand to more values than any plan has ("billion laughs"). Merge
keys (``<<: *anchor``) are expanded as safe_load expands them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from planflow import vnformat as vn
from planflow.errors import YamlRefused

Loc = tuple[str | int, ...]
Marks = dict[Loc, tuple[int, int]]

MAX_BYTES = 10_000_000
"""A definition file larger than this is not a plan (the largest real one is under 100 KB)."""
MAX_DEPTH = 50
"""Deepest nesting of lists and mappings (a real plan nests about 8 levels)."""
MAX_VALUES = 100_000
"""Most values a file may hold once its aliases are expanded (the largest real plan: 1,314)."""

# What PyYAML's reader refuses as "non-printable", and what PostgreSQL cannot store (NUL):
# C0 controls but tab and line ends, DEL, C1 controls but NEL, surrogates, U+FFFE/U+FFFF.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")

_ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]")
"""An anchor (``&name`` after a separator), not an ampersand in prose ("VH & TT", "R&D")."""
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_KNOWN_TAGS = {_STR, _MAP, _SEQ, _TIMESTAMP} | {
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "binary", "set", "omap", "pairs")
}


def codepoint(text: str) -> str:
    """A character as officials can look it up: U+0000."""
    return f"U+{ord(text):04X}"


def control_message(char: str) -> str:
    return f"có ký tự điều khiển {codepoint(char)}, không được phép trong file định nghĩa; xoá ký tự này"


@dataclass
class Builder:
    """Plain data from a composed node tree, within the limits above.

    With ``marks``, each value's line and column is recorded under its path (the slow
    path, used to locate problems); without, only the data is built (the fast path)."""

    constructor: yaml.constructor.SafeConstructor
    marks: Marks | None = None
    escapes: bool = True
    """Whether the text has a backslash: without one, no escape made a control character."""
    merges: bool = True
    """Whether the text has ``<<``: without it, no mapping has a merge key."""
    count: int = 0
    active: set[int] = field(default_factory=set)
    merged: dict[int, int] = field(default_factory=dict)

    def build(self, node: yaml.Node, loc: Loc = (), depth: int = 0) -> Any:
        """``node`` as plain data; ``loc`` is its path when positions are recorded (the
        fast path leaves it empty: building a tuple per value was a tenth of a read)."""
        self.count += 1
        if (
            isinstance(node, yaml.ScalarNode)
            and node.tag == _STR
            and node.style != '"'
            and self.marks is None
        ):
            return node.value  # the common case: a plain or single-quoted string
        if self.marks is not None:
            self.marks[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if self.count > MAX_VALUES:
            raise YamlRefused(node.start_mark, _too_many(), loc[:3])
        if depth > MAX_DEPTH:
            raise YamlRefused(
                node.start_mark, f"cấu trúc lồng quá sâu (quá {MAX_DEPTH} cấp); viết phẳng lại", loc[:3]
            )
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, loc)
        if self.marks is None:  # an alias to an ancestor recurses until the depth limit stops it
            return self.collection(node, loc, depth)
        if id(node) in self.active:
            raise YamlRefused(node.start_mark, "bí danh (alias) YAML trỏ vào chính nó; bỏ bí danh này", loc)
        self.active.add(id(node))
        try:
            return self.collection(node, loc, depth)
        finally:
            self.active.discard(id(node))

    def collection(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        """A mapping, a sequence, or a value of another tag."""
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
            return self.mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
            paths = self.marks is not None
            return [
                self.build(child, (*loc, i) if paths else loc, depth + 1)
                for i, child in enumerate(node.value)
            ]
        return self.construct(node, loc)

    def scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        if node.tag == _STR:
            value: str = node.value
            # Raw control characters are refused by libyaml (or the scan of the text); only
            # a double-quoted scalar can make one from an escape ("\0", "\x1b", "\u0000").
            found = CONTROL.search(value) if self.escapes and node.style == '"' else None
            if found:
                raise YamlRefused(node.start_mark, control_message(found.group()), loc)
            return value
        if node.tag == _TIMESTAMP:
            return timestamp(self.constructor, node, loc)
        return self.construct(node, loc)

    def construct(self, node: yaml.Node, loc: Loc) -> Any:
        """A value of another tag (numbers, booleans, null, binary): as safe_load builds it."""
        if node.tag not in _KNOWN_TAGS:
            raise YamlRefused(
                node.start_mark,
                f"thẻ YAML '{node.tag}' không dùng được trong file định nghĩa; bỏ thẻ này",
                loc,
            )
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError) as exc:
            reason = exc.problem if isinstance(exc, yaml.MarkedYAMLError) else exc
            raise YamlRefused(
                node.start_mark, f"giá trị YAML không đọc được ({reason}); sửa lại giá trị", loc
            ) from None

    def mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        merged = self.merged.get(id(node), 0) if self.merges else 0
        if self.merges and any(key.tag == _MERGE for key, _ in node.value):
            own = sum(1 for key, _ in node.value if key.tag != _MERGE)
            try:
                self.constructor.flatten_mapping(node)
            except yaml.MarkedYAMLError as exc:
                raise YamlRefused(
                    exc.problem_mark or node.start_mark,
                    "khoá gộp '<<' phải trỏ tới một bảng khoá: giá trị hoặc danh sách bảng (vd. <<: *mau)",
                    loc,
                ) from None
            merged = self.merged[id(node)] = len(node.value) - own
        out: dict[str, Any] = {}
        own_keys: set[str] = set()
        paths = self.marks is not None
        for index, (key_node, value_node) in enumerate(node.value):
            if type(key_node) is yaml.ScalarNode and key_node.tag == _STR and key_node.style != '"':
                key = key_node.value
            else:
                key = self.key(key_node, loc)
            if not merged:
                if key in out:
                    raise YamlRefused(key_node.start_mark, self._twice(node, key), (*loc, key))
            elif index >= merged:  # a key of this mapping, not one brought by a merge
                if key in own_keys:
                    raise YamlRefused(key_node.start_mark, self._twice(node, key), (*loc, key))
                own_keys.add(key)
            out[key] = self.build(value_node, (*loc, key) if paths else loc, depth + 1)
        return out

    @staticmethod
    def _twice(node: yaml.MappingNode, key: str) -> str:
        first = next(k.start_mark.line + 1 for k, _ in node.value if k.value == key)
        return f"khoá '{key}' ghi hai lần (lần đầu ở dòng {first}); giữ một lần"

    def key(self, node: yaml.Node, loc: Loc) -> str:
        """A key as a string (safe_load would keep ``1:`` an int; the schema's keys are text);
        a list or mapping as a key is refused, as safe_load refuses it."""
        if not isinstance(node, yaml.ScalarNode):
            raise YamlRefused(node.start_mark, "khoá phải là một chữ, không phải danh sách hay bảng", loc)
        return str(self.scalar(node, loc))


def check_expansion(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand to more than MAX_VALUES values, counting
    each shared node once (so it costs the size of the file, not of the expansion), at
    the deepest value that alone is too large."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = 0  # an alias to a node being counted: the builder refuses it
        total = 1
        if depth < MAX_DEPTH and isinstance(node, yaml.CollectionNode):
            for child in _children(node):
                total += size(child, depth + 1)
        sizes[id(node)] = min(total, MAX_VALUES + 1)
        return sizes[id(node)]

    if size(root, 0) <= MAX_VALUES:
        return
    node: yaml.Node = root
    loc: Loc = ()
    while True:
        for key, child in _labelled(node):
            if sizes.get(id(child), 0) > MAX_VALUES:
                node, loc = child, (*loc, key)
                break
        else:
            raise YamlRefused(node.start_mark, _too_many(), loc[:3])


def _children(node: yaml.CollectionNode) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value)


def _labelled(node: yaml.Node) -> list[tuple[str | int, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        return [(str(key.value), value) for key, value in node.value]
    if isinstance(node, yaml.SequenceNode):
        return list(enumerate(node.value))
    return []


def timestamp(constructor: yaml.constructor.SafeConstructor, node: yaml.ScalarNode, loc: Loc) -> Any:
    """A date or time written as YAML's own timestamp, checked as a date in the text is: an
    impossible day is refused with the words the time expressions use."""
    try:
        return constructor.construct_yaml_timestamp(node)
    except (ValueError, OverflowError):
        match = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", node.value)
        day = f"ngày {int(match[3]):02d}/{int(match[2]):02d}/{match[1]}" if match else "ngày này"
        raise YamlRefused(node.start_mark, f"'{node.value}': {day} không tồn tại", loc) from None


def _too_many() -> str:
    return (
        f"file có quá {vn.number(MAX_VALUES)} giá trị khi mở rộng các bí danh (alias) YAML; "
        "viết thẳng giá trị thay vì lồng bí danh"
    )


def compose(text: str) -> yaml.Node | None:
    """The node tree of a document: libyaml's parser when PyYAML has it (about 20 times
    faster, which counts with thousands of plans); on a syntax error the pure-Python
    parser is asked again, so the message and its position stay the same either way
    (unless the document nests too deep for it: libyaml's message is kept then)."""
    if FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=FAST_LOADER)
        except yaml.YAMLError as exc:
            if "maximum nesting depth" in str(exc):
                raise  # the pure-Python parser would recurse as deep before failing
            fast_error = exc
        try:
            return yaml.compose(text, Loader=yaml.SafeLoader)
        except RecursionError:
            raise fast_error from None
    return yaml.compose(text, Loader=yaml.SafeLoader)


_PLAIN_TAGS: dict[str, str] = {}
"""Tag of a plain scalar by its text (it depends on nothing else): ids, unit names and keys
come back thousands of times, and PyYAML's resolver tries its patterns on each."""
_PLAIN_TAGS_MAX = 200_000


def _cached_loader() -> type[yaml.CSafeLoader] | None:
    """libyaml's safe loader, remembering the tag of each plain scalar's text."""
    base: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)
    if base is None:
        return None

    class Loader(base):  # type: ignore[valid-type,misc]
        def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
            if kind is not yaml.ScalarNode or not implicit[0]:
                return str(super().resolve(kind, value, implicit))
            tag = _PLAIN_TAGS.get(value)
            if tag is None:
                tag = str(super().resolve(kind, value, implicit))
                if len(_PLAIN_TAGS) < _PLAIN_TAGS_MAX:
                    _PLAIN_TAGS[value] = tag
            return tag

    return Loader


FAST_LOADER = _cached_loader()


def fast_load(text: str) -> Any:
    """Plain data by libyaml's parser, straight from the node tree, without the
    constructor's bookkeeping for every string (half of reading a file). None when the
    document is empty or libyaml is missing. Raises yaml.YAMLError or YamlRefused."""
    if FAST_LOADER is None:
        return None
    loader = FAST_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "&" in text and _ANCHOR.search(text):  # aliases need an anchor
            check_expansion(node)
        return Builder(loader, escapes="\\" in text, merges="<<" in text).build(node)
    finally:
        loader.dispose()


def slow_load(node: yaml.Node, marks: Marks) -> Any:
    """Plain data from a composed node, recording each value's position in ``marks``."""
    check_expansion(node)
    return Builder(yaml.SafeLoader(""), marks).build(node)


def first_control(text: str) -> tuple[int, int, str] | None:
    """Line, column (1-based) and character of the first control character of ``text``."""
    found = CONTROL.search(text)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    return line, column, found.group()


def field_at(text: str, line: int, column: int, locate: Callable[[str], Marks]) -> Loc:
    """The path of the value written at ``line``:``column``, found in ``text`` with its
    control characters blanked (empty when the text does not parse even so)."""
    try:
        marks = locate(CONTROL.sub("\ufffd", text))
    except (yaml.YAMLError, YamlRefused, RecursionError):
        return ()
    before = [(mark, loc) for loc, mark in marks.items() if mark <= (line, column)]
    return max(before, default=((0, 0), ()))[1]
