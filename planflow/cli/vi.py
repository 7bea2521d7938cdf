"""Typer's and Click's own words in Vietnamese: help headings, the help option, usage lines,
the kinds of value beside each option, the usage errors Click raises ("No such option",
"Missing argument", …) and its prompts' words ("Repeat for confirmation", "The two entered
values do not match").

The Click that Typer carries writes these in English with no gettext hook, and
``typer.rich_utils`` keeps its headings in module constants, so ``apply()`` sets those
constants and wraps the places the words are written. Called once as each
invocation starts (``LazyCommands.main``); calling it again changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

import typer.rich_utils
from typer import _click

HEADINGS = {
    "ARGUMENTS_PANEL_TITLE": "Đối số",
    "OPTIONS_PANEL_TITLE": "Tùy chọn",
    "COMMANDS_PANEL_TITLE": "Lệnh",
    "ERRORS_PANEL_TITLE": "Lỗi",
    "ABORTED_TEXT": "Đã dừng.",
    "RICH_HELP": "Xem [blue]'{command_path} {help_option}'[/] để biết cách dùng.",
    "DEFAULT_STRING": "[mặc định: {}]",
    "ENVVAR_STRING": "[biến môi trường: {}]",
    "REQUIRED_LONG_STRING": "[bắt buộc]",
    "DEPRECATED_STRING": "(không dùng nữa) ",
}
USAGE = "Cách dùng: "
USAGE_WORDS = {"[OPTIONS]": "[TÙY CHỌN]", "COMMAND": "LỆNH", "[ARGS]...": "[ĐỐI SỐ]..."}
"""Click's placeholders in a usage line, word by word."""
# The kinds of value Typer names beside each option ("<str>", "<int>", "<path>"); a flag
# (``bool``) takes no value, so it shows none.
TYPES = {
    "str": "chữ", "int": "số", "int range": "số", "float": "số", "float range": "số",
    "path": "đường dẫn", "file": "file", "bool": "",
}  # fmt: skip
HELP_OPTION = "Hiện hướng dẫn này rồi thoát."
CONFIRMATION = "Nhập lại để xác nhận"
"""Click's second prompt of a value asked twice (a password): "Repeat for confirmation"."""
# What Click's prompts print when an answer is refused, English → Vietnamese.
PROMPT_ERRORS = {
    "Error: The two entered values do not match.": "Lỗi: hai lần nhập không khớp nhau; nhập lại.",
    "Error: The value you entered was invalid.": "Lỗi: giá trị vừa nhập không hợp lệ; nhập lại.",
    "Error: invalid input": "Lỗi: câu trả lời không hợp lệ; trả lời y (có) hoặc n (không).",
}

# Click's usage errors, English pattern → Vietnamese, applied in order to the whole message.
MESSAGES = [
    (r"No such option: (\S+)", r"Không có tùy chọn \1"),
    (r"\(Possible options: ([^)]*)\)", r"(có phải: \1?)"),
    (r"No such command '([^']*)'", r"Không có lệnh '\1'"),
    (r"Did you mean ([^?]*)\?", r"có phải \1?"),
    (r"Missing command\.", "Thiếu lệnh."),
    (r"Missing argument ('[^']*')\.", r"Thiếu đối số \1."),
    (r"Missing option ('[^']*')\.", r"Thiếu tùy chọn \1."),
    (r"Missing parameter: (\S+)", r"Thiếu tham số \1"),
    (r"Got unexpected extra arguments? ?(?:\(s\))? \(([^)]*)\)", r"Thừa đối số: \1"),
    (r"Invalid value for ('[^']*'|\S+): ", r"Giá trị không hợp lệ cho \1: "),
    (r"Invalid value: ", "Giá trị không hợp lệ: "),
    (r"Option ('[^']*') requires an argument\.", r"Tùy chọn \1 cần một giá trị."),
    (r"Option ('[^']*') requires (\d+) arguments\.", r"Tùy chọn \1 cần \2 giá trị."),
    (r"Option ('[^']*') does not take a value\.", r"Tùy chọn \1 không nhận giá trị."),
    (r"Argument ('[^']*') takes (\d+) values\.", r"Đối số \1 cần \2 giá trị."),
    (r"('[^']*') is not a valid integer\.", r"\1 không phải số nguyên."),
    (r"('[^']*') is not a valid float\.", r"\1 không phải số."),
    (r"('[^']*') is not a valid boolean\.", r"\1 không phải có/không (true/false)."),
    (r"('[^']*') is not one of (.*)\.", r"\1 không thuộc \2."),
    # Typer checks values with pydantic
    (r"Input should be a valid integer(, unable to parse string as an integer)?", "cần một số nguyên"),
    (r"Input should be a valid number(, unable to parse string as a number)?", "cần một số"),
    (r"Input should be a valid boolean(, unable to interpret input)?", "cần true hoặc false"),
    (r"Input should be greater than or equal to (\S+)", r"cần từ \1 trở lên"),
    (r"Input should be less than or equal to (\S+)", r"cần không quá \1"),
]


def translate(message: str) -> str:
    """A Click usage error's message in Vietnamese (unknown wording is left as it is)."""
    for english, vietnamese in MESSAGES:
        message = re.sub(english, vietnamese, message)
    return message


def value_kind(label: str) -> str:
    """Typer's ``<str>``, ``<int>``, ``<list[str]>`` … in Vietnamese: ``<chữ>``, ``<số>``,
    ``<chữ>…`` (repeatable); ``""`` for a flag. A choice (``<a|b>``) lists the values to
    type, which stay as they are."""
    inner = label.removeprefix("<").removesuffix(">")
    repeated = inner.startswith("list[") and inner.endswith("]")
    if repeated:
        inner = inner[len("list[") : -1]
    if inner not in TYPES:
        return label
    if not TYPES[inner]:
        return ""
    return f"<{TYPES[inner]}>" + ("…" if repeated else "")


def apply() -> None:
    """Put the Vietnamese words in place (idempotent)."""
    for name, text in HEADINGS.items():
        setattr(typer.rich_utils, name, text)
    if getattr(_click.formatting.HelpFormatter.write_usage, "planflow_vi", False):
        return
    write_usage = _click.formatting.HelpFormatter.write_usage
    get_help_option = _click.core.Command.get_help_option
    display_type = typer.core._TyperParameter.display_type
    format_error = typer.rich_utils.rich_format_error
    prompt = _click.termui.prompt
    echo = vars(_click.termui)["echo"]  # imported there from .utils, not re-exported

    def usage_vi(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        words = " ".join(USAGE_WORDS.get(w, w) for w in args.split(" ")) if args else args
        write_usage(self, prog, words, USAGE if prefix is None else prefix)

    def help_option_vi(self: Any, ctx: Any) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option

    def error_vi(self: _click.ClickException) -> None:
        english = self.format_message
        setattr(self, "format_message", lambda: translate(english()))  # noqa: B010 (a method)
        format_error(self)

    def display_type_vi(self: Any, ctx: Any) -> str:
        return value_kind(display_type(self, ctx))

    def prompt_vi(text: str, **kwargs: Any) -> Any:
        if kwargs.get("confirmation_prompt") is True:
            kwargs["confirmation_prompt"] = CONFIRMATION
        return prompt(text, **kwargs)

    def echo_vi(message: Any = None, *args: Any, **kwargs: Any) -> None:
        echo(PROMPT_ERRORS.get(message, message) if isinstance(message, str) else message, *args, **kwargs)

    usage_vi.planflow_vi = True  # type: ignore[attr-defined]
    _click.formatting.HelpFormatter.write_usage = usage_vi  # type: ignore[method-assign]
    _click.core.Command.get_help_option = help_option_vi  # type: ignore[method-assign]
    typer.rich_utils.rich_format_error = error_vi
    typer.core._TyperParameter.display_type = display_type_vi  # type: ignore[method-assign]
    # typer.core asks through the module (``_click.termui.prompt(…)``), and the prompt writes
    # its refusals through the module's ``echo``: both are looked up when called.
    _click.termui.prompt = prompt_vi  # type: ignore[assignment]
    setattr(_click.termui, "echo", echo_vi)  # noqa: B010 (not re-exported: mypy refuses the attribute)
