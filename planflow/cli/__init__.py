"""The ``planflow`` command line."""

from __future__ import annotations

import typer

from planflow.cli.check import check
from planflow.cli.definitions import compile_, validate
from planflow.cli.exports import export, ics, import_progress
from planflow.cli.importer import import_
from planflow.cli.mail import notices, outbox, send, simulate
from planflow.cli.migrate import migrate
from planflow.cli.progress import progress
from planflow.cli.reports import report_app, reports
from planflow.cli.serve import serve
from planflow.cli.status import status, sync
from planflow.cli.web import link, web

app = typer.Typer(
    name="planflow",
    help="planflow: biến Kế hoạch thành nhiệm vụ có chủ trì, có hạn; kiểm tra, nhắc việc, báo cáo.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("validate")(validate)
app.command("compile")(compile_)
app.command("sync")(sync)
app.command("migrate")(migrate)
app.command("status")(status)
app.command("progress")(progress)
app.command("check")(check)
app.command("serve")(serve)
app.command("notices")(notices)
app.command("simulate")(simulate)
app.command("outbox")(outbox)
app.command("send")(send)
app.command("reports")(reports)
app.add_typer(report_app, name="report")
app.command("import")(import_)
app.command("web")(web)
app.command("link")(link)
app.command("export")(export)
app.command("import-progress")(import_progress)
app.command("ics")(ics)


def main() -> None:
    app()
