"""DOCX reports: docxtpl fills the Word template, with everything that does not depend on
the report done once per template and process.

At every render docxtpl opens the .docx package again, turns each part it renders back
into text and cleans its tags up (``patch_xml``), and ``save`` serializes and compresses
every part of the package, styles and theme included. Only the rendering itself depends
on the report. So a template is prepared once (``_Template``): its document stays open,
the cleaned-up XML of each part docxtpl renders is kept, the Jinja template compiled
from it is kept (``_CompiledOnce``), and the parts no render touches (styles, theme,
settings, relationships …) are written once into a zip. A render runs docxtpl's own
steps on the kept XML and appends the parts it rendered to a copy of that zip: the same
parts with the same content as docxtpl's ``render`` and ``save``.

Officers edit the template, so its tags are untrusted code: every part is rendered in
Jinja's immutable sandbox (no ``__class__``, ``__globals__`` or other private attribute,
no method that changes the report's data), whichever step of docxtpl renders it.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Iterator, MutableMapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx.opc.constants import CONTENT_TYPE
from docxtpl import DocxTemplate
from jinja2 import Environment, Template, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from planflow.errors import PlanflowError
from planflow.reports.cycle import ReportContext
from planflow.reports.docx_template import PACKAGED

# The parts a render writes: the document, its headers and footers, footnotes, and the
# core properties (docxtpl renders the text ones, ``_PROPERTIES``).
_RENDERED = {CONTENT_TYPE.WML_HEADER, CONTENT_TYPE.WML_FOOTER, CONTENT_TYPE.WML_FOOTNOTES,
             CONTENT_TYPE.OPC_CORE_PROPERTIES}  # fmt: skip
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")  # docxtpl's list
_LISTING = ("\t", "\a", "\n", "\f")  # what docxtpl's resolve_listing turns into Word markup
MAX_BITS, MAX_ITEMS = 4096, 1_000_000  # far above any report's arithmetic or text


def _too_big(operator: str, value: Any, times: Any) -> bool:
    """Whether ``value ** times`` or ``value * times`` would be enormous."""
    if not isinstance(times, int):
        return False
    if operator == "**":
        return isinstance(value, int) and abs(value) > 1 and times * abs(value).bit_length() > MAX_BITS
    return isinstance(value, str | list | tuple) and len(value) * times > MAX_ITEMS


class _CompiledOnce(ImmutableSandboxedEnvironment):
    """The sandbox the officers' tags run in. docxtpl turns a document's XML into a Jinja
    template at every render, and compiling it is most of a render's time. One .docx gives
    the same XML every time, so each distinct source is compiled once (a province renders
    hundreds of reports from one template)."""

    def __init__(self) -> None:
        super().__init__(autoescape=True)
        self._compiled: OrderedDict[str, Template] = OrderedDict()

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """``*`` and ``**`` within bounds: a tag such as ``'x' * 10 ** 9`` would hold the
        report flow (and its memory) for minutes before failing."""
        if _too_big(operator, left, right) or (operator == "*" and _too_big(operator, right, left)):
            raise SecurityError("phép tính tạo giá trị quá lớn")
        return super().call_binop(context, operator, left, right)

    def from_string(
        self,
        source: str | nodes.Template,
        globals: MutableMapping[str, Any] | None = None,
        template_class: type[Template] | None = None,
    ) -> Template:
        if not isinstance(source, str) or globals is not None or template_class is not None:
            return super().from_string(source, globals, template_class)
        template = self._compiled.pop(source, None) or super().from_string(source)
        self._compiled[source] = template
        while len(self._compiled) > 32:  # officers' templates change: keep the recent ones
            self._compiled.popitem(last=False)
        return template


@lru_cache(maxsize=1)
def _docx_environment() -> _CompiledOnce:
    return _CompiledOnce()


class _Template(DocxTemplate):  # type: ignore[misc]  # docxtpl has no type hints
    """docxtpl on one document kept open; the sources it renders are read once."""

    def __init__(self, source: bytes) -> None:
        super().__init__(io.BytesIO(source))
        self.init_docx()
        self.lock = threading.Lock()
        self._body = self.patch_xml(self.get_xml())
        self._headers_footers = {
            uri: [
                (key, self.get_headers_footers_encoding(xml), self.patch_xml(xml))
                for key, part in self.get_headers_footers(uri)
                for xml in [self.get_part_xml(part)]
            ]
            for uri in (self.HEADER_URI, self.FOOTER_URI)
        }
        self._properties = {name: getattr(self.docx.core_properties, name) for name in _PROPERTIES}
        parts = list(self._parts())
        footnotes = CONTENT_TYPE.WML_FOOTNOTES
        self._footnotes = {p.partname: p.blob for p in parts if p.content_type == footnotes}
        self._rendered = {
            p.partname.membername for p in parts if p is self.docx.part or p.content_type in _RENDERED
        }
        self._shape = self._package_shape()
        self._unchanged = self._zip_of_unchanged_parts()

    def _parts(self) -> Iterator[Any]:
        return self.docx.part.package.iter_parts()  # type: ignore[no-any-return]

    def _package_shape(self) -> list[tuple[str, int]]:
        return [(str(p.partname), len(p.rels)) for p in self._parts()]

    def _zip_of_unchanged_parts(self) -> bytes:
        full = io.BytesIO()
        self.docx.save(full)
        out = io.BytesIO()
        with zipfile.ZipFile(full) as package, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as kept:
            for member in package.infolist():
                if member.filename not in self._rendered:
                    kept.writestr(member.filename, package.read(member))
        return out.getvalue()

    # docxtpl's steps, fed the kept sources instead of the document's current state, and
    # always rendered in the sandbox: the ``jinja_env`` docxtpl passes along is not used.

    def render(self, context: dict[str, Any], jinja_env: Environment | None = None,
               autoescape: bool = False) -> None:  # fmt: skip
        super().render(context, _docx_environment(), autoescape=True)

    def init_docx(self, reload: bool = True) -> None:
        if not self.docx:  # never reloaded: each render replaces what the previous one wrote
            super().init_docx()

    def build_xml(self, context: dict[str, Any], jinja_env: Environment | None = None) -> str:
        return str(self.render_xml_part(self._body, self.docx._part, context, _docx_environment()))

    def build_headers_footers_xml(
        self, context: dict[str, Any], uri: str, jinja_env: Environment | None = None
    ) -> Iterator[tuple[str, bytes]]:
        for key, encoding, xml in self._headers_footers[uri]:
            part = self.docx._part.rels[key].target_part
            yield key, self.render_xml_part(xml, part, context, _docx_environment()).encode(encoding)

    def render_properties(self, context: dict[str, Any], jinja_env: Environment | None = None) -> None:
        for name, value in self._properties.items():
            setattr(self.docx.core_properties, name, value)
        super().render_properties(context, _docx_environment())

    def render_footnotes(self, context: dict[str, Any], jinja_env: Environment | None = None) -> None:
        for part in self._parts():
            if part.partname in self._footnotes:
                part._blob = self._footnotes[part.partname]
        super().render_footnotes(context, _docx_environment())

    def resolve_listing(self, xml: str) -> str:
        if not any(c in xml for c in _LISTING):  # nothing to turn into tabs, breaks, pages
            return xml
        return str(super().resolve_listing(xml))

    def to_bytes(self) -> bytes:
        """The rendered package: the parts written once, then those this render wrote."""
        if self._package_shape() != self._shape:  # a part or a link was added: not ours to keep
            raise PlanflowError("mẫu báo cáo đã thêm phần mới khi điền (ảnh, liên kết): không hỗ trợ")
        out = io.BytesIO(self._unchanged)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as package:
            for part in self._parts():
                if part.partname.membername in self._rendered:
                    package.writestr(part.partname.membername, part.blob)
        return out.getvalue()


def _refused(exc: SecurityError) -> str:
    """What the sandbox refused, in the officer's words: the attribute a tag reached for."""
    found = re.match(r"access to attribute '([^']+)' of '([^']+)' object is unsafe", str(exc))
    return f"dùng '{found.group(1)}' của đối tượng {found.group(2)}" if found else str(exc)


@lru_cache(maxsize=8)
def _prepared(path: Path, mtime_ns: int, size: int) -> _Template:
    """A template per file version: an officer's edited copy is read again."""
    return _Template(path.read_bytes())


def render_docx(ctx: ReportContext, template: Path = PACKAGED) -> bytes:
    try:
        stat = template.stat()
        prepared = _prepared(template, stat.st_mtime_ns, stat.st_size)
        with prepared.lock:
            prepared.render({"r": ctx})
            return prepared.to_bytes()
    except SecurityError as exc:
        _prepared.cache_clear()
        raise PlanflowError(
            f"mẫu báo cáo {template} có thẻ không được phép ({_refused(exc)}): mẫu chỉ được đọc số liệu của "
            "báo cáo (r.…). Mở mẫu trong Word, xoá thẻ đó rồi lưu lại."
        ) from None
    except Exception as exc:  # docxtpl reports template errors with many exception types
        _prepared.cache_clear()  # a render that failed half-way leaves nothing behind
        raise PlanflowError(
            f"mẫu báo cáo {template} không dùng được: {exc}. Sửa mẫu trong Word (giữ nguyên các "
            "thẻ {{ … }} và {%p … %}) hoặc xoá nó để dùng mẫu mặc định (planflow report template)."
        ) from None
