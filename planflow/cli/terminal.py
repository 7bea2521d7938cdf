"""How the CLI writes to the terminal: ``NO_COLOR`` (https://no-color.org) honoured by our
consoles and by Typer's own (help, usage errors)."""

from __future__ import annotations

import os

import typer.rich_utils


def no_color() -> bool:
    """Whether ``NO_COLOR`` is set to a non-empty value: then the CLI prints no colour and no
    other style code either (bold, dim), whatever the terminal."""
    return os.environ.get("NO_COLOR", "") != ""


def apply_no_color() -> None:
    """Typer builds a console per help page or error from its module constants: no colour
    system there either when ``NO_COLOR`` is set. Called as each invocation starts."""
    if no_color():
        typer.rich_utils.COLOR_SYSTEM = None
