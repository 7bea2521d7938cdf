"""Read a spreadsheet of units (one row per unit of a commune) into checked rows.

The columns (``COLUMNS``) are found by their header in the first non-empty row, in any
order, with or without diacritics; every cell is checked and every problem is reported
with its cell (``Đơn vị!E7``), what is wrong and what to write instead. A ``.csv`` (UTF-8,
comma or semicolon) or the first sheet of an ``.xlsx`` is read.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from pydantic import TypeAdapter, ValidationError

from planflow.errors import SheetError
from planflow.hints import did_you_mean
from planflow.importer.unitnames import guess_kind
from planflow.schema import SLUG_MAX, Email, UnitKind, UnitRelation

SHEET = "Đơn vị"
"""The name of the sheet the template writes (any first sheet is read)."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: str
    example: str
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column(
        "commune",
        "Xã",
        True,
        "Tên xã, phường như văn bản ghi",
        "Xã An Bình",
        ("xã/phường", "tên xã", "commune"),
    ),
    Column(
        "directory_id",
        "Mã xã",
        False,
        "Mã danh mục (tên file); bỏ trống: lấy từ tên xã",
        "an-binh",
        ("mã danh mục", "commune id"),
    ),
    Column(
        "unit_id",
        "Mã đơn vị",
        False,
        "Chữ thường không dấu, '-'; bỏ trống: lấy từ tên đơn vị",
        "phong-vhxh",
        ("unit id",),
    ),
    Column(
        "name",
        "Tên đơn vị",
        True,
        "Tên đầy đủ như kế hoạch ghi",
        "Phòng Văn hóa - Xã hội xã An Bình",
        ("đơn vị", "unit", "unit name"),
    ),
    Column(
        "kind",
        "Loại",
        False,
        "Loại cơ quan (trang Hướng dẫn); bỏ trống: đoán từ tên",
        "Phòng",
        ("loại đơn vị", "kind"),
    ),
    Column(
        "relation",
        "Quan hệ",
        False,
        "Cấp dưới, cấp trên, chính cơ quan, bên ngoài; bỏ trống: tự suy ra",
        "Cấp dưới",
        ("relation",),
    ),
    Column("parent", "Mã đơn vị cấp trên", False, "Mã một đơn vị cùng xã", "ubnd-xa", ("cấp trên", "parent")),
    Column("head", "Người đứng đầu", False, "Họ tên người đứng đầu", "Nguyễn Văn A", ("thủ trưởng", "head")),
    Column(
        "head_title",
        "Chức vụ",
        False,
        "Chức vụ người đứng đầu",
        "Trưởng phòng",
        ("chức vụ người đứng đầu", "title"),
    ),
    Column(
        "head_email",
        "E-mail người đứng đầu",
        False,
        "Một địa chỉ",
        "a.nguyen@an-binh.example",
        ("email người đứng đầu", "head email"),
    ),
    Column(
        "emails",
        "E-mail",
        False,
        "Một hay nhiều địa chỉ, cách nhau bằng dấu phẩy hoặc chấm phẩy",
        "vhxh@an-binh.example",
        ("email", "e-mail đơn vị", "thư điện tử", "emails"),
    ),
    Column(
        "aliases",
        "Tên khác",
        False,
        "Cách viết khác, viết tắt; cách nhau bằng dấu chấm phẩy hoặc xuống dòng",
        "Phòng VH-XH; VHXH",
        ("bí danh", "tên gọi khác", "viết tắt", "aliases"),
    ),
)

KIND_LABELS: dict[str, UnitKind] = {
    "UBND": UnitKind.PEOPLES_COMMITTEE,
    "Ủy ban nhân dân": UnitKind.PEOPLES_COMMITTEE,
    "HĐND": UnitKind.PEOPLES_COUNCIL,
    "Hội đồng nhân dân": UnitKind.PEOPLES_COUNCIL,
    "Đảng ủy": UnitKind.PARTY,
    "Mặt trận": UnitKind.FRONT,
    "Phòng": UnitKind.DEPARTMENT,
    "Văn phòng": UnitKind.OFFICE,
    "Trung tâm": UnitKind.CENTER,
    "Công an": UnitKind.POLICE,
    "Quân sự": UnitKind.MILITARY,
    "Đoàn thể": UnitKind.MASS_ORGANISATION,
    "Trường học": UnitKind.SCHOOL,
    "Y tế": UnitKind.HEALTH,
    "Ấp, thôn": UnitKind.HAMLET,
    "Tổ, ban": UnitKind.TEAM,
    "Xã": UnitKind.COMMUNE,
    "Sở": UnitKind.PROVINCE_DEPARTMENT,
    "Bộ": UnitKind.MINISTRY,
    "Doanh nghiệp": UnitKind.ENTERPRISE,
    "Cơ quan ngoài": UnitKind.EXTERNAL,
    "Nhóm": UnitKind.GROUP,
    "Lãnh đạo": UnitKind.LEADERSHIP,
}
"""What the Loại column may say (or the kind's own value: ``department``)."""

RELATION_LABELS: dict[str, UnitRelation] = {
    "Chính cơ quan": UnitRelation.OWN,
    "Cấp dưới": UnitRelation.SUBORDINATE,
    "Cấp trên": UnitRelation.SUPERIOR,
    "Bên ngoài": UnitRelation.OUTSIDE,
}

_COMMUNE_PREFIX = re.compile(r"^(?:xã|phường|thị trấn|đặc khu)\s+", re.IGNORECASE)
_EMAIL: TypeAdapter[str] = TypeAdapter(Email)


def plain(text: str) -> str:
    """Lower case without diacritics or extra spaces: how headers and labels are matched."""
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(stripped.replace("_", " ").split())


def slug(text: str) -> str:
    """An id from Vietnamese words: "Phòng Văn hóa - Xã hội" → "phong-van-hoa-xa-hoi"."""
    return "-".join(re.findall(r"[a-z0-9]+", plain(text)))[:SLUG_MAX].strip("-")


_KINDS = {plain(label): kind for label, kind in KIND_LABELS.items()} | {plain(k.value): k for k in UnitKind}
_RELATIONS = {plain(label): r for label, r in RELATION_LABELS.items()} | {
    plain(r.value): r for r in UnitRelation
}
_HEADERS = {plain(name): c for c in COLUMNS for name in (c.header, *c.aliases)}


@dataclass
class UnitRow:
    """One checked row: a unit of a commune's directory, and the cells it came from."""

    row: int
    cells: dict[str, str]  # column key → its cell reference (Đơn vị!E7)
    commune: str
    directory_id: str
    unit_id: str
    name: str
    kind: UnitKind | None  # None: not written and not guessed (guess_kind is used for new units)
    guessed_kind: UnitKind
    relation: UnitRelation | None
    parent: str | None
    head: dict[str, str] = field(default_factory=dict)
    emails: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


def read_rows(path: Path) -> tuple[str, list[UnitRow]]:
    """The sheet's name and its checked rows; SheetError listing every bad cell."""
    sheet, table = _table(path)
    problems: list[str] = []
    # The header: the first row naming two known columns (a title or a blank line may be
    # above it), else the first row with anything in it.
    header_at = next(
        (i for i, row in enumerate(table) if sum(plain(cell) in _HEADERS for cell in row if cell) >= 2),
        next((i for i, row in enumerate(table) if any(row)), None),
    )
    if header_at is None:
        raise SheetError(str(path), [f"{sheet}: bảng trống; dùng mẫu của 'planflow units template'"])
    columns: dict[str, int] = {}
    for index, title in enumerate(table[header_at]):
        if not title:
            continue
        column = _HEADERS.get(plain(title))
        where = f"{sheet}!{get_column_letter(index + 1)}{header_at + 1}"
        if column is None:
            meant = did_you_mean(plain(title), [plain(c.header) for c in COLUMNS], {})
            named = next((c.header for c in COLUMNS if plain(c.header) == meant), None)
            problems.append(
                f"{where}: cột '{title}' không có trong mẫu{_guess(named)} "
                f"Các cột: {', '.join(c.header for c in COLUMNS)}"
            )
        elif column.key in columns:
            problems.append(f"{where}: cột '{column.header}' có hai lần; giữ một cột")
        else:
            columns[column.key] = index
    for column in COLUMNS:
        if column.required and column.key not in columns:
            problems.append(
                f"{sheet}!{header_at + 1}:{header_at + 1}: thiếu cột '{column.header}' ({column.help})"
            )
    if problems:
        raise SheetError(str(path), problems)
    rows = []
    for number, values in enumerate(table[header_at + 1 :], start=header_at + 2):
        if not any(values):
            continue
        cells = {key: f"{sheet}!{get_column_letter(index + 1)}{number}" for key, index in columns.items()}
        data = {key: (values[index] if index < len(values) else "") for key, index in columns.items()}
        row = _row(number, cells, data, problems)
        if row is not None:
            rows.append(row)
    problems.extend(_consistency(rows))
    if not rows and not problems:
        problems.append(f"{sheet}: không có dòng đơn vị nào dưới dòng tiêu đề {header_at + 1}")
    if problems:
        raise SheetError(str(path), problems)
    return sheet, rows


def _row(number: int, cells: dict[str, str], data: dict[str, str], problems: list[str]) -> UnitRow | None:
    before = len(problems)

    def bad(key: str, message: str) -> None:
        problems.append(f"{cells[key]}: {message}")

    commune, name = data.get("commune", ""), data.get("name", "")
    if not commune:
        bad("commune", "thiếu tên xã; ghi tên xã như 'Xã An Bình'")
    if not name:
        bad("name", "thiếu tên đơn vị; ghi tên đầy đủ như kế hoạch ghi")
    directory_id = data.get("directory_id") or slug(_COMMUNE_PREFIX.sub("", commune))
    if data.get("directory_id") and not _is_slug(directory_id):
        bad("directory_id", f"mã xã '{directory_id}' không hợp lệ: {_SLUG_RULE}; vd. '{slug(directory_id)}'")
    unit_id = data.get("unit_id") or slug(_without_commune(name, commune))
    if data.get("unit_id") and not _is_slug(unit_id):
        bad("unit_id", f"mã đơn vị '{unit_id}' không hợp lệ: {_SLUG_RULE}; vd. '{slug(unit_id)}'")
    kind = _choice(data.get("kind", ""), _KINDS, KIND_LABELS, "loại đơn vị", cells.get("kind"), problems)
    relation = _choice(
        data.get("relation", ""), _RELATIONS, RELATION_LABELS, "quan hệ", cells.get("relation"), problems
    )
    parent = data.get("parent") or None
    if parent and not _is_slug(parent):
        bad("parent", f"'{parent}' không phải mã đơn vị: ghi mã (cột Mã đơn vị) của đơn vị cấp trên")
    emails = [e for e in re.split(r"[,;\s]+", data.get("emails", "")) if e]
    for email in emails:
        if not _valid_email(email):
            bad("emails", f"'{email}' không phải địa chỉ e-mail hợp lệ; ghi dạng ten@donvi.gov.vn")
    head: dict[str, str] = {}
    if data.get("head"):
        head["name"] = data["head"]
    if data.get("head_title"):
        head["title"] = data["head_title"]
    if data.get("head_email"):
        if _valid_email(data["head_email"]):
            head["email"] = data["head_email"]
        else:
            bad(
                "head_email",
                f"'{data['head_email']}' không phải địa chỉ e-mail hợp lệ; ghi dạng ten@donvi.gov.vn",
            )
    if head and "name" not in head:
        bad("head", "có chức vụ hoặc e-mail người đứng đầu mà thiếu họ tên; ghi họ tên (hoặc chức danh)")
    aliases = [a.strip() for a in re.split(r"[;\n]", data.get("aliases", "")) if a.strip()]
    if len(problems) > before:
        return None
    return UnitRow(
        row=number,
        cells=cells,
        commune=commune,
        directory_id=directory_id,
        unit_id=unit_id,
        name=name,
        kind=kind,
        guessed_kind=kind or guess_kind(name),
        relation=relation,
        parent=parent,
        head=head,
        emails=emails,
        aliases=aliases,
    )


def _consistency(rows: list[UnitRow]) -> Iterator[str]:
    """One commune, one directory id; one unit id once per commune."""
    ids: dict[str, UnitRow] = {}
    communes: dict[str, UnitRow] = {}
    seen: dict[tuple[str, str], UnitRow] = {}
    for row in rows:
        where = row.cells.get("directory_id", row.cells["commune"])
        first = ids.setdefault(plain(row.commune), row)
        named = communes.setdefault(row.directory_id, row)
        if first.directory_id != row.directory_id:
            yield (
                f"{where}: xã '{row.commune}' có mã '{row.directory_id}', nhưng dòng {first.row} ghi "
                f"'{first.directory_id}'; ghi một mã cho một xã"
            )
        elif plain(named.commune) != plain(row.commune):
            yield (
                f"{where}: mã xã '{row.directory_id}' đã dùng cho '{named.commune}' (dòng {named.row}); "
                f"ghi mã khác vào cột 'Mã xã' cho '{row.commune}'"
            )
        other = seen.setdefault((row.directory_id, row.unit_id), row)
        if other is not row:
            where = row.cells.get("unit_id", row.cells["name"])
            yield (
                f"{where}: mã đơn vị '{row.unit_id}' đã có ở dòng {other.row} cùng xã; "
                "ghi mã khác vào cột 'Mã đơn vị'"
            )


def _choice(
    text: str, table: dict[str, Any], labels: dict[str, Any], what: str, cell: str | None, problems: list[str]
) -> Any:
    if not text:
        return None
    found = table.get(plain(text))
    if found is None:
        # "Phòng ban chuyên môn" → Phòng: a label its words start with, else the closest spelling
        starts = [k for k in table if plain(text).startswith(k + " ")]
        meant = max(starts, key=len) if starts else did_you_mean(plain(text), list(table), {})
        label = next((label for label in labels if plain(label) == meant), meant)
        problems.append(
            f"{cell}: '{text}' không phải {what}{_guess(label)} Dùng một trong: {', '.join(labels)}"
        )
    return found


def _guess(meant: str | None) -> str:
    return f"; có phải '{meant}'?" if meant else "."


_SLUG_RULE = "chỉ dùng chữ thường không dấu, số, '-', '_', '.'"


def _is_slug(text: str) -> bool:
    return len(text) <= SLUG_MAX and re.fullmatch(r"[a-z0-9][a-z0-9._-]*", text) is not None


def _valid_email(text: str) -> bool:
    try:
        _EMAIL.validate_python(text)
    except ValidationError:
        return False
    return True


def _without_commune(name: str, commune: str) -> str:
    """'Phòng Kinh tế xã An Bình' → 'Phòng Kinh tế' (the id need not repeat the commune)."""
    suffix = plain(commune)
    bare = plain(name)
    if bare.endswith(" " + suffix) and len(bare) > len(suffix) + 1:
        return bare[: -len(suffix) - 1]
    return name


def _table(path: Path) -> tuple[str, list[list[str]]]:
    """The sheet's name and its cells as text."""
    if not path.is_file():
        raise SheetError(str(path), ["không có file này; kiểm tra đường dẫn"])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return path.name, _csv(path)
    if suffix != ".xlsx" or not zipfile.is_zipfile(path):
        raise SheetError(
            str(path),
            ["không phải bảng tính .xlsx hay .csv; file .xls hoặc .ods: mở rồi lưu lại dạng .xlsx"],
        )
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SheetError(str(path), [f"không đọc được file .xlsx ({exc}); lưu lại bằng Excel"]) from None
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        rows = [[_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        return sheet.title, rows
    finally:
        book.close()


def _csv(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError(
            str(path), ["file .csv không phải UTF-8; trong Excel chọn Lưu dạng 'CSV UTF-8'"]
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [
        [cell.strip() for cell in row]
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    ]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
