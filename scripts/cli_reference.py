"""The command-line reference page, written from the Typer app itself.

    .venv/bin/python -m scripts.cli_reference -o docs/reference/cli.md

Every command and subcommand in the order of ``planflow --help``: its help text, its example,
its usage line and a table of its arguments and options, in the Vietnamese the CLI shows.
The page is kept in the repository (``make generated`` rewrites it) and
tests/scripts/test_cli_reference.py fails when it no longer matches the commands.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import typer

from planflow.cli import app, vi

PAGE = "docs/reference/cli.md"
HEADER = f"""\
# Dòng lệnh `planflow` — command-line reference

<!-- Tạo tự động, đừng sửa tay — generated, do not edit:
     python -m scripts.cli_reference -o {PAGE} -->

Mọi lệnh của `planflow`, theo thứ tự của `planflow --help`, với lời giải thích, ví dụ, cách gọi
và các đối số, tùy chọn như dòng lệnh in ra — every command as `planflow COMMAND --help` prints
it. Mọi lệnh đều nhận `--help`; tùy chọn chung `-v`/`-vv` đặt trước tên lệnh
(`planflow -v sync`) — every command takes `--help`; `-v` goes before the command.
"""
# Click's plain help records keep two English words that the CLI's own (Rich) help shows in
# Vietnamese (planflow.cli.vi.HEADINGS).
EXTRAS = [("[required]", "[bắt buộc]"), ("[default: ", "[mặc định: ")]
CODE_SPAN = re.compile(r"(`[^`]*`)")


def commands() -> list[tuple[str, Any, Any]]:
    """(name as typed after ``planflow``, click command, its context) for every command that
    runs, subcommands of a group in place of the group, in the order of ``planflow --help``."""
    group = typer.main.get_command(app)
    root = typer.Context(group, info_name="planflow")
    found: list[tuple[str, Any, Any]] = []
    for name in group.list_commands(root):
        command = group.get_command(root, name)
        context = typer.Context(command, info_name=name, parent=root)
        if hasattr(command, "list_commands"):
            for sub in command.list_commands(context):
                subcommand = command.get_command(context, sub)
                found.append(
                    (f"{name} {sub}", subcommand, typer.Context(subcommand, info_name=sub, parent=context))
                )
        else:
            found.append((name, command, context))
    return found


def text(value: str) -> str:
    """Help text as Markdown text: what is between backticks stays code; elsewhere ``<id>``,
    ``*`` and a table's ``|`` are characters, not markup."""
    parts = CODE_SPAN.split(value)
    for index in range(0, len(parts), 2):
        parts[index] = (
            parts[index].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("*", r"\*")
        )
    return "".join(parts)


def cell(value: str) -> str:
    return text(" ".join(value.split())).replace("|", r"\|")


def code(value: str) -> str:
    """A code span in a table cell: its ``|`` escaped, or the table would split there."""
    return "`" + value.replace("|", "\\|") + "`"


def anchor(name: str) -> str:
    return name.replace(" ", "-")


def section(name: str, command: Any, context: Any) -> str:
    """One command's part of the page."""
    help_text = (command.help or "").strip()
    example = ""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", help_text):
        flat = " ".join(paragraph.split())
        if flat.startswith("Ví dụ:"):
            example = flat.removeprefix("Ví dụ:").strip()
        else:
            paragraphs.append(text(flat))
    usage = " ".join(command.get_usage(context).removeprefix(vi.USAGE).split())
    lines = [f"## `planflow {name}` {{#{anchor(name)}}}", "", *(p + "\n" for p in paragraphs)]
    if example:
        lines += ["Ví dụ — example:", "", "```sh", example, "```", ""]
    lines += ["Cách dùng — usage:", "", "```text", usage, "```", ""]
    rows = []
    for param in command.get_params(context):
        record = param.get_help_record(context)
        if record is None or "--help" in record[0]:
            continue
        names, described = record
        for english, vietnamese in EXTRAS:
            described = described.replace(english, vietnamese)
        rows.append(f"| {code(names)} | {cell(described)} |")
    if rows:
        lines += ["| Đối số, tùy chọn — argument, option | Ý nghĩa — meaning |", "|---|---|", *rows, ""]
    return "\n".join(lines)


def render() -> str:
    """The whole page."""
    vi.apply()
    found = commands()
    index = ["| Lệnh — command | Việc — what it does |", "|---|---|"]
    for name, command, _context in found:
        first = re.split(r"\n\s*\n", (command.help or "").strip())[0]
        index.append(f"| [`planflow {name}`](#{anchor(name)}) | {cell(first)} |")
    parts = [HEADER, "\n".join(index) + "\n", *(section(*entry) for entry in found)]
    return "\n".join(parts).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the command-line reference page.")
    parser.add_argument(
        "-o", "--output", type=Path, help=f"the page to write (default: stdout; in the repo {PAGE})"
    )
    args = parser.parse_args(argv)
    page = render()
    if args.output is None:
        sys.stdout.write(page)
    else:
        args.output.write_text(page, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
