"""Render a report (Markdown, HTML, DOCX, PDF) and queue it by e-mail with its files attached.

Markdown and HTML share one body template (``report_body.md.j2``) and one appendix
(``report_appendix.md.j2``: the task tables and the units' figures); the HTML is that
Markdown converted by markdown-it, inside the Decree 30 header and signature of
``report.html.j2``. The DOCX is ``templates/report.docx`` filled by docxtpl
(``planflow/reports/docx_render.py``), or the officers' own copy at
``<definitions>/templates/report.docx``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, PackageLoader
from markdown_it import MarkdownIt
from sqlalchemy.orm import Session

from planflow.errors import PlanflowError
from planflow.notifications.config import DEFAULT_PREFIX
from planflow.notifications.outbox import queue_once
from planflow.notifications.render import Rendered, environment
from planflow.reports.cycle import ReportContext
from planflow.reports.docx_render import render_docx
from planflow.reports.docx_template import PACKAGED
from planflow.reports.duties import RenderedFile
from planflow.reports.pdf import docx_to_pdf
from planflow.store.models import OutboxRow, ReportVersionRow

FORMATS = ("md", "html", "docx")
"""What an assembly stores and mails; ``pdf`` is made on request (it needs LibreOffice)."""
ALL_FORMATS = (*FORMATS, "pdf")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _cell(value: object) -> str:
    """A value safe inside a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


@lru_cache(maxsize=1)
def _env() -> Environment:
    """The report templates (``planflow/reports/templates``), with the mail environment's
    settings and filters and the report's own."""
    env = environment().overlay(loader=PackageLoader("planflow.reports", "templates"))
    env.filters = {**env.filters, "cell": _cell}
    return env


def render_markdown(ctx: ReportContext) -> str:
    return str(_env().get_template("report.md.j2").render(r=ctx))


def render_html(ctx: ReportContext) -> str:
    markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
    body = markdown.render(_env().get_template("report_body.md.j2").render(r=ctx))
    appendix = markdown.render(_env().get_template("report_appendix.md.j2").render(r=ctx))
    return str(_env().get_template("report.html.j2").render(r=ctx, body=body, appendix=appendix))


def template_path(definitions: Path | None) -> Path:
    """The officers' template if they placed one in the definitions folder, else ours."""
    if definitions is not None:
        own = definitions / "templates" / "report.docx"
        if own.is_file():
            return own
    return PACKAGED


def filename_for(ctx: ReportContext, fmt: str) -> str:
    period = ctx.period or "mot-lan"
    return f"bao-cao-{ctx.plan_id}-{ctx.report_id}-{period}.{fmt}"


def render_report(ctx: ReportContext, formats: Sequence[str] = FORMATS, *,
                  template: Path = PACKAGED) -> list[RenderedFile]:  # fmt: skip
    files = []
    for fmt in formats:
        if fmt == "md":
            content = render_markdown(ctx).encode()
        elif fmt == "html":
            content = render_html(ctx).encode()
        elif fmt == "docx":
            content = render_docx(ctx, template)
        elif fmt == "pdf":
            content = docx_to_pdf(render_docx(ctx, template))
        else:
            raise PlanflowError(f"định dạng '{fmt}' không hỗ trợ; chọn một trong: {', '.join(ALL_FORMATS)}")
        files.append(RenderedFile(fmt, filename_for(ctx, fmt), MEDIA_TYPES[fmt], content))
    return files


# --- mail -------------------------------------------------------------------------------------


def queue_report_mail(
    version: ReportVersionRow,
    ctx: ReportContext,
    *,
    final: bool,
    to: Sequence[tuple[str, Sequence[str]]],
    cc: Sequence[tuple[str, Sequence[str]]] = (),
    session: Session,
    now: dt.datetime,
    domain: str,
    prefix: str = DEFAULT_PREFIX,
) -> OutboxRow | None:
    """One message for a report version (its files attached at delivery): a draft to the
    compiling unit for review, or the final to the recipients. Queued once per version
    and kind, whoever asks."""
    kind = "final" if final else "draft"
    to_addrs = [(name, addr) for name, addrs in to for addr in addrs]
    cc_addrs = [(name, addr) for name, addrs in cc for addr in addrs if (name, addr) not in to_addrs]
    env = environment()  # the mail around the report: a notifications template
    data = {"r": ctx, "final": final, "version": version.version}
    lead = f"{prefix} " if prefix else ""
    draft = f"Dự thảo báo cáo (bản {version.version})"
    subject = f"{lead}{'Báo cáo' if final else draft}: {ctx.summary}"
    rendered = Rendered(subject, env.get_template("report_mail.txt.j2").render(data),
                        env.get_template("report_mail.html.j2").render(data))  # fmt: skip
    return queue_once(f"report|{kind}|{version.id}", recipient=f"report:{ctx.key}",
                      names=", ".join(name for name, _ in to), to=to_addrs, cc=cc_addrs, rendered=rendered,
                      session=session, now=now, domain=domain, report_version_id=version.id)  # fmt: skip
