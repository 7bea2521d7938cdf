"""DOCX rendering with the template prepared once gives what docxtpl's own render and save give."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docxtpl import DocxTemplate
from sqlalchemy.orm import Session, sessionmaker

from planflow.errors import PlanflowError
from planflow.loader import load_definitions
from planflow.reports.cycle import ReportContext
from planflow.reports.docx_render import render_docx
from planflow.reports.docx_template import PACKAGED
from planflow.reports.duties import report_context, report_duties
from planflow.sync.definitions import sync_definitions
from tests.reports.test_report_build import demo_with_budget

DAY = dt.date(2026, 7, 15)


@pytest.fixture
def contexts(sessions: sessionmaker[Session], tmp_path: Path) -> list[ReportContext]:
    """The demo plan's reports due by mid-July 2026: three quarters' worth of content."""
    defs = load_definitions(demo_with_budget(tmp_path / "d"))
    with sessions() as s, s.begin():
        sync_definitions(defs, None, session=s, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    with sessions() as s:
        duties = report_duties(defs, sorted(defs.plans), DAY, session=s)
        return [report_context(defs, d, DAY, session=s) for d in duties if d.window.data_to <= DAY]


def _docxtpl(ctx: ReportContext, template: Path) -> bytes:
    """The reference: a fresh docxtpl template, rendered and saved as its documentation shows."""
    doc = DocxTemplate(str(template))
    doc.render({"r": ctx}, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _members(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_same_parts_as_docxtpl(contexts: list[ReportContext]) -> None:
    """Report after report (and back to the first), every part of the package is what docxtpl writes."""
    assert len({c.period for c in contexts}) >= 2
    for ctx in [*contexts, contexts[0]]:
        assert _members(render_docx(ctx)) == _members(_docxtpl(ctx, PACKAGED)), ctx.period


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_edited_template_is_read_again(contexts: list[ReportContext], tmp_path: Path) -> None:
    """An officer saves a new version of the template: the next report uses it."""
    own = tmp_path / "report.docx"
    shutil.copyfile(PACKAGED, own)
    assert "Bản mẫu của xã" not in _text(render_docx(contexts[0], own))
    edited = docx.Document(str(own))
    edited.add_paragraph("Bản mẫu của xã {{ r.period }}")
    edited.save(str(own))
    os.utime(own, ns=(own.stat().st_atime_ns, own.stat().st_mtime_ns + 1_000_000_000))
    assert f"Bản mẫu của xã {contexts[0].period}" in _text(render_docx(contexts[0], own))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_broken_template_says_what_to_do(contexts: list[ReportContext], tmp_path: Path) -> None:
    """A tag the officer broke in Word gives one message naming the file and the fix; the next
    good template still renders."""
    broken = tmp_path / "report.docx"
    document = docx.Document(str(PACKAGED))
    document.add_paragraph("{{ r.period ")
    document.save(str(broken))
    with pytest.raises(
        PlanflowError, match=r"mẫu báo cáo .*report\.docx không dùng được: .*xoá nó để dùng mẫu"
    ):
        render_docx(contexts[0], broken)
    assert _members(render_docx(contexts[0])) == _members(_docxtpl(contexts[0], PACKAGED))


def _text(package: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(package)).paragraphs)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("tag", "reached"),
    [
        # the process, through the globals of a function Jinja puts in every template
        ("{{ cycler.__init__.__globals__.os.getpid() }}", "__init__"),
        # every class of the interpreter, the usual first step out of a template
        ("{{ r.__class__.__mro__[1].__subclasses__() }}", "__class__"),
        # a method that changes what the next tags read
        ("{{ r.shortcomings.append('sửa số liệu') }}", "append"),
    ],
)  # fmt: skip
def test_a_template_cannot_reach_the_server(
    contexts: list[ReportContext], tmp_path: Path, tag: str, reached: str
) -> None:
    """A tag that reaches past the report's data (the process, Python's classes, the context's
    methods) is refused with a message naming the template and the tag; nothing is rendered."""
    hostile = tmp_path / "report.docx"
    document = docx.Document(str(PACKAGED))
    document.add_paragraph(tag)
    document.save(str(hostile))
    with pytest.raises(PlanflowError) as refused:
        render_docx(contexts[0], hostile)
    message = str(refused.value)
    assert message.startswith(f"mẫu báo cáo {hostile} có thẻ không được phép (")
    assert f"(dùng '{reached}' của đối tượng " in message, message
    assert message.endswith(
        "): mẫu chỉ được đọc số liệu của báo cáo (r.…). Mở mẫu trong Word, xoá thẻ đó rồi lưu lại."
    )
    assert str(os.getpid()) not in message
    assert _members(render_docx(contexts[0])) == _members(_docxtpl(contexts[0], PACKAGED))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "tag",
    [
        "{{ 'x' * 10 ** 9 }}",  # a gigabyte of text
        "{{ 2 ** 1000000000 }}",  # a number of a billion bits
        "{{ 3 * [r.summary] * 100000000 }}",  # a list of hundreds of millions of items
    ],
)
def test_a_template_cannot_exhaust_the_server(
    contexts: list[ReportContext], tmp_path: Path, tag: str
) -> None:
    """A tag that would build an enormous value is refused at once, with the template named; nothing is rendered."""
    hostile = tmp_path / "report.docx"
    document = docx.Document(str(PACKAGED))
    document.add_paragraph(tag)
    document.save(str(hostile))
    with pytest.raises(PlanflowError) as refused:
        render_docx(contexts[0], hostile)
    assert str(refused.value).startswith(
        f"mẫu báo cáo {hostile} có thẻ không được phép (phép tính tạo giá trị quá lớn): "
    )
