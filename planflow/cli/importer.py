"""``planflow import``: a signed plan (Word, PDF, scan, portal page, text) to a definition draft."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated

import typer
import yaml

from planflow.cli.common import DefinitionsOption, err_console, exit_with_error, handled, print_json, settings
from planflow.errors import DocumentError
from planflow.importer import (
    Draft,
    directory_yaml,
    extract,
    new_directory_yaml,
    read_document,
    summary,
    summary_lines,
    write_draft,
)
from planflow.importer.draft import PlanDraft
from planflow.importer.emit import slug
from planflow.loader import load_directory_file
from planflow.schema import UnitDirectory


def import_(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="Văn bản Kế hoạch: .docx, .doc, .pdf (cả bản scan), ảnh chụp .png/.jpg/.tif, "
            "trang .md/.html tải từ cổng văn bản, hoặc .txt.",
        ),
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="File bản nháp (mặc định: <thư mục định nghĩa>/plans/<id>.yaml); '-' để in ra màn hình.",
            show_default=False,
        ),
    ] = None,
    units: Annotated[
        Path | None,
        typer.Option(
            "--units",
            help="Danh mục đơn vị để đối chiếu tên (definitions/units/<id>.yaml); "
            "đơn vị mới được thêm vào cuối.",
            show_default=False,
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year", min=1900, max=2200, help="Năm của kế hoạch, cho ngày ghi thiếu năm.", show_default=False
        ),
    ] = None,
    report_json: Annotated[
        bool,
        typer.Option("--report-json", help="In bản tóm tắt dạng JSON ra stdout (thay cho bản tóm tắt chữ)."),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Ghi đè file bản nháp đã có.")] = False,
    definitions_dir: DefinitionsOption = None,
) -> None:
    """Nhập một Kế hoạch đã ký thành bản nháp định nghĩa để rà soát.

    Đọc tiêu đề, căn cứ, mục tiêu, chỉ tiêu, từng nhiệm vụ (chủ trì, phối hợp, thời gian,
    kinh phí, địa điểm …), các phụ lục, nhiệm vụ báo cáo, người ký và nơi nhận. Chỗ nào
    không chắc chắn được đánh dấu "# KIỂM TRA" trong file; bản tóm tắt in ra stderr.
    Bản scan và ảnh chụp được nhận dạng chữ (OCR, cần tesseract-ocr và tesseract-ocr-vie);
    từ đọc không chắc được đánh dấu [?]. Id mặc định gồm nơi ban hành, số và năm văn bản
    (vd. lang-son-552-2025); file đã có chỉ được ghi đè khi dùng --force.
    Mã thoát 1 nếu không đọc được file, file trống hoặc không phải Kế hoạch.

    Ví dụ: planflow import kh.pdf --units definitions/units/loc-tan.yaml -o definitions/plans/lt-2026.yaml
    """
    with handled():
        if output == "-" and report_json:
            exit_with_error("không dùng -o - cùng --report-json (cả hai in ra stdout); chọn một")
        config = settings(definitions_dir)
        directory = load_directory_file(units)[0] if units else None
        document = read_document(file)
        draft = extract(document, directory, year)
        if directory is None:
            units, directory = _directory_of_place(config.definitions, draft.place)
            if directory is not None:
                draft = extract(document, directory, year)
        written = write_draft(draft, directory, _plan_id(output) or default_plan_id(draft))
        if output == "-":
            sys.stdout.write(written.text)
            if written.units.new:
                err_console.print(_new_units_note(written), markup=False)
            data = summary(draft, written, None, None)
        else:
            target = Path(output) if output else config.definitions / "plans" / f"{written.plan_id}.yaml"
            if target.exists() and not force:
                exit_with_error(
                    f"đã có file {target}; không ghi đè. Dùng --force để ghi đè, hoặc -o để chọn file khác"
                )
            units_file = _write_units(written, units, target, document.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(written.text, encoding="utf-8")
            data = summary(draft, written, str(target), units_file)
        if report_json:
            print_json(data)
        else:
            for line in summary_lines(data):
                err_console.print(line, markup=False)


def default_plan_id(draft: PlanDraft) -> str | None:
    """An id unique to the document: where it was issued, its number and year
    ("lang-son-552-2025"); a draft with no number yet gets the first words of its
    title instead ("loc-tan-2025-to-chuc-cac-hoat-dong-huong"). None when the year is unknown
    (the draft writer then says so)."""
    if draft.year is None:
        return None
    issuer = slug(draft.place or draft.issuer or "ke-hoach", 4)
    digits = re.match(r"\s*0*(\d+)", draft.document_number or "")
    if digits:
        return f"{issuer}-{digits.group(1)}-{draft.year}"
    title = slug(draft.title or "", 6)
    return f"{issuer}-{draft.year}" + (f"-{title}" if title else "")


def _plan_id(output: str | None) -> str | None:
    if not output or output == "-":
        return None
    stem = Path(output).stem
    if stem != slug(stem, 50):
        raise DocumentError(
            f"tên file '{Path(output).name}' không dùng được làm id kế hoạch: chỉ dùng chữ thường không dấu, "
            "số và '-' (vd. loc-tan-2026.yaml)"
        )
    return stem


def _directory_of_place(definitions: Path, place: str | None) -> tuple[Path | None, UnitDirectory | None]:
    """The directory of the plan's commune or province, if the definitions folder has one."""
    if not place:
        return None, None
    path = definitions / "units" / f"{slug(place)}.yaml"
    if not path.is_file():
        return None, None
    return path, load_directory_file(path)[0]


def _write_units(written: Draft, units: Path | None, target: Path, source: str) -> str | None:
    """Add the new units to the directory file (nothing else in it changes), or write a
    new directory file next to the plans folder."""
    if written.units.created:
        path = target.parent.parent / "units" / f"{written.units.directory.id}.yaml"
        if path.exists():
            raise DocumentError(f"đã có danh mục {path} nhưng không dùng được; chạy lại với --units {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new_directory_yaml(written.units, source), encoding="utf-8")
        return str(path)
    if not written.units.new or units is None:
        return None
    text = units.read_text(encoding="utf-8")
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    last = node.value[-1] if isinstance(node, yaml.MappingNode) and node.value else None
    items = last[1].value if last is not None and isinstance(last[1], yaml.SequenceNode) else []
    if last is None or last[0].value != "units" or not items:
        raise DocumentError(
            f"{units}: không thêm được đơn vị mới vì 'units:' không phải khóa cuối của file; "
            f"hãy thêm tay các đơn vị sau rồi chạy lại:\n{directory_yaml(written.units, source)}"
        )
    indent = items[0].start_mark.column - 2  # where the existing items' dashes stand
    with units.open("a", encoding="utf-8") as handle:
        handle.write(("" if text.endswith("\n") else "\n") + directory_yaml(written.units, source, indent))
    return str(units)


def _new_units_note(written: Draft) -> str:
    return (
        f"Các đơn vị sau chưa có trong danh mục '{written.units.directory.id}'; thêm vào file danh mục:\n"
        + directory_yaml(written.units, "văn bản")
    )
