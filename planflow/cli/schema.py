"""``planflow schema``: the definition format as a JSON Schema, or its reference page."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from planflow.cli.common import console, handled
from planflow.definition_schema import schema_text
from planflow.definition_schema.markdown import reference_markdown


def schema(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Ghi ra file này (mặc định: in ra màn hình).", show_default=False
        ),
    ] = None,
    markdown: Annotated[
        bool,
        typer.Option("--markdown", help="Trang tra cứu Markdown thay cho JSON Schema."),
    ] = False,
) -> None:
    """In lược đồ JSON (JSON Schema) của file định nghĩa: kế hoạch và danh mục đơn vị.

    Trình soạn thảo có hỗ trợ YAML dùng lược đồ này để kiểm tra và gợi ý khoá khi gõ (dòng
    `# yaml-language-server: $schema=…` đầu file). Mỗi khoá có mô tả tiếng Việt, tiếng Anh
    và ví dụ. Với --markdown: trang tra cứu định dạng định nghĩa.

    Ví dụ: planflow schema -o planflow.schema.json
    """
    with handled():
        text = reference_markdown() if markdown else schema_text()
        if output is None:
            sys.stdout.write(text)
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        console.print(f"Đã ghi {output}")
