"""planflow units import: many communes' unit directories from one spreadsheet, checked cell
by cell, written all or none, existing directories updated in place."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from openpyxl import Workbook, load_workbook

from planflow.loader import load_directory_file
from planflow.onboarding.sheet import COLUMNS
from planflow.onboarding.template import write_template
from tests.cli.runner import run_cli
from tests.factories import demo_plan, write_yaml

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)

REPO = Path(__file__).parent.parent.parent
EXAMPLE = REPO / "docs" / "onboarding" / "don-vi-tinh-dong-xanh.csv"
TEMPLATE = REPO / "docs" / "onboarding" / "mau-don-vi.xlsx"
HEADER = "Xã,Mã xã,Mã đơn vị,Tên đơn vị,Loại,Quan hệ,Mã đơn vị cấp trên,E-mail,Tên khác\n"


def _csv(folder: Path, *rows: str, header: str = HEADER) -> Path:
    path = folder / "don-vi.csv"
    path.write_text(header + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def _files(root: Path) -> dict[str, str]:
    units = root / "units"
    return (
        {p.name: p.read_text(encoding="utf-8") for p in sorted(units.glob("*.yaml"))}
        if units.is_dir()
        else {}
    )


def test_worked_example_province_then_validate_a_plan(tmp_path: Path) -> None:
    """The three communes of the example become three directories, and a plan of one of
    them (leads and supporters named as the sheet names them) validates."""
    root = tmp_path / "defs"
    code, out, err = run_cli("units", "import", str(EXAMPLE), "-d", str(root))
    assert (code, err) == (0, "")
    units = root / "units"
    assert out.splitlines() == [
        f"Xã An Phú (an-phu, {units}/an-phu.yaml): tạo mới: 7 đơn vị mới (ubnd-xa, vp-hdnd-ubnd, "
        "phong-vhxh, phong-kinh-te, cong-an, tram-y-te, cac-ap)",
        f"Xã Tân Hòa (tan-hoa, {units}/tan-hoa.yaml): tạo mới: 7 đơn vị mới (ubnd-xa, vp-hdnd-ubnd, "
        "phong-vhxh, phong-kinh-te, cong-an, tram-y-te, cac-ap)",
        f"Xã Bình Minh (binh-minh, {units}/binh-minh.yaml): tạo mới: 8 đơn vị mới (ubnd-xa, vp-hdnd-ubnd, "
        "phong-vhxh, phong-kinh-te, cong-an, tram-y-te, cac-ap, so-khcn)",
        f"Đã ghi 3 file trong {units}.",
    ]
    directory, _ = load_directory_file(units / "an-phu.yaml")
    chair = directory.units[0]
    assert (chair.kind, chair.relation, chair.emails) == ("peoples_committee", "own", ["ubnd@an-phu.example"])
    assert chair.head is not None and chair.head.email == "chutich@an-phu.example"
    assert {u.id: u.kind.value for u in directory.units}["tram-y-te"] == "health"  # guessed from the name
    plan = demo_plan(units="an-phu", standing_unit="Phòng Văn hóa - Xã hội", reports=[])
    for task in plan["tasks"]:
        task["lead"] = ["Phòng Văn hóa - Xã hội"]
        task["support"] = ["Công an xã", "Các ấp"]
    write_yaml(root / "plans" / "demo-2026.yaml", plan)
    code, out, err = run_cli("validate", "-d", str(root))
    assert (code, err) == (0, ""), err
    assert out.startswith("Hợp lệ: 4 file định nghĩa")


def test_importing_again_changes_nothing(tmp_path: Path) -> None:
    """A second import of the same sheet reports every commune unchanged and rewrites no file."""
    root = tmp_path / "defs"
    run_cli("units", "import", str(EXAMPLE), "-d", str(root))
    before = _files(root)
    code, out, _ = run_cli("units", "import", str(EXAMPLE), "-d", str(root))
    assert code == 0
    assert out.splitlines()[0] == f"Xã An Phú (an-phu, {root}/units/an-phu.yaml): không đổi: 7 giữ nguyên"
    assert out.splitlines()[-1] == "Không có gì thay đổi; không ghi file nào."
    assert _files(root) == before


def test_existing_directory_is_updated_in_place(tmp_path: Path) -> None:
    """A unit the sheet names gets its filled cells, a new unit is appended; the file's
    comments and the units the sheet does not name stay as they were."""
    root = tmp_path / "defs"
    (root / "units").mkdir(parents=True)
    original = (REPO / "definitions" / "units" / "loc-tan.yaml").read_text(encoding="utf-8")
    (root / "units" / "loc-tan.yaml").write_text(original, encoding="utf-8")
    sheet = _csv(
        tmp_path,
        "Xã Lộc Tấn,loc-tan,phong-vhxh,Phòng Văn hóa - Xã hội xã Lộc Tấn,,,,vhxh-moi@loc-tan.example,",
        "Xã Lộc Tấn,loc-tan,,Trạm Khuyến nông xã Lộc Tấn,Trung tâm,,ubnd-xa,kn@loc-tan.example,Trạm Khuyến nông",
        "Xã Lộc Tấn,loc-tan,cong-an-xa,Công an xã Lộc Tấn,,,,,",
    )
    code, out, _ = run_cli("units", "import", str(sheet), "-d", str(root))
    assert code == 0
    assert out.splitlines()[0] == (
        f"Xã Lộc Tấn (loc-tan, {root}/units/loc-tan.yaml): cập nhật: 1 đơn vị mới (tram-khuyen-nong); "
        "1 đơn vị sửa (phong-vhxh); 30 giữ nguyên"
    )
    assert out.splitlines()[1] == "  phong-vhxh: emails: [vhxh@loc-tan.example] → [vhxh-moi@loc-tan.example]"
    updated = (root / "units" / "loc-tan.yaml").read_text(encoding="utf-8")
    expected = original.replace("emails: [vhxh@loc-tan.example]", "emails: [vhxh-moi@loc-tan.example]") + (
        "  - id: tram-khuyen-nong\n"
        "    name: Trạm Khuyến nông xã Lộc Tấn\n"
        "    aliases:\n"
        "      - Trạm Khuyến nông\n"
        "    kind: center\n"
        "    parent: ubnd-xa\n"
        "    emails: [kn@loc-tan.example]\n"
    )
    assert updated == expected


def test_dry_run_shows_the_changes_and_writes_nothing(tmp_path: Path) -> None:
    """--dry-run prints what would change and leaves the folder untouched."""
    root = tmp_path / "defs"
    code, out, _ = run_cli("units", "import", str(EXAMPLE), "-d", str(root), "--dry-run")
    assert code == 0
    assert out.splitlines()[0].startswith(
        f"Xã An Phú (an-phu, {root}/units/an-phu.yaml): tạo mới: 7 đơn vị mới"
    )
    assert out.splitlines()[-1] == "Chạy thử (--dry-run): chưa ghi file nào; bỏ --dry-run để ghi."
    assert not root.exists()


def test_every_bad_cell_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    """Problems of several communes are listed at once by cell, and the commune without
    a problem is not written either."""
    root = tmp_path / "defs"
    sheet = _csv(
        tmp_path,
        "Xã An Phú,an-phu,UBND,Ủy ban nhân dân xã An Phú,Phong ban,,,ubnd@an-phu,",
        ",,x,Phòng A,,,,,",
        "Xã Tân Hòa,tan-hoa,phong-a,Phòng A,Phòng,cap tren,,a@tan-hoa.example,",
        "Xã Tân Hòa,tan-hoa,phong-a,Phòng B,Phòng,Cấp dưới,,b@tan-hoa.example,",
        "Xã Bình Minh,binh-minh,phong-c,Phòng C,Phòng,Ngang cấp,,c@binh-minh.example,",
        "Xã Hòa Bình,hoa-binh,phong-e,Phòng E,Phòng,,,e@hoa-binh.example,",
    )
    code, out, err = run_cli("units", "import", str(sheet), "-d", str(root))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"Lỗi: {sheet}: 6 lỗi, chưa ghi file nào; sửa rồi chạy lại:",
        "  don-vi.csv!C2: mã đơn vị 'UBND' không hợp lệ: chỉ dùng chữ thường không dấu, số, '-', '_', '.'; "
        "vd. 'ubnd'",
        "  don-vi.csv!E2: 'Phong ban' không phải loại đơn vị; có phải 'Phòng'? Dùng một trong: UBND, "
        "Ủy ban nhân dân, HĐND, Hội đồng nhân dân, Đảng ủy, Mặt trận, Phòng, Văn phòng, Trung tâm, "
        "Công an, Quân sự, Đoàn thể, Trường học, Y tế, Ấp, thôn, Tổ, ban, Xã, Sở, Bộ, Doanh nghiệp, "
        "Cơ quan ngoài, Nhóm, Lãnh đạo",
        "  don-vi.csv!H2: 'ubnd@an-phu' không phải địa chỉ e-mail hợp lệ; ghi dạng ten@donvi.gov.vn",
        "  don-vi.csv!A3: thiếu tên xã; ghi tên xã như 'Xã An Bình'",
        "  don-vi.csv!F6: 'Ngang cấp' không phải quan hệ. Dùng một trong: Chính cơ quan, Cấp dưới, Cấp trên, "
        "Bên ngoài",
        "  don-vi.csv!C5: mã đơn vị 'phong-a' đã có ở dòng 4 cùng xã; ghi mã khác vào cột 'Mã đơn vị'",
    ]
    assert not root.exists()


def test_a_parent_outside_the_commune_is_named_at_its_cell(tmp_path: Path) -> None:
    """Once every cell reads, the directories are checked as a whole: a parent that is no
    unit of the commune is reported at its cell, and the other commune is not written."""
    root = tmp_path / "defs"
    sheet = _csv(
        tmp_path,
        "Xã Hòa An,hoa-an,phong-d,Phòng D,Phòng,,khong-co,d@hoa-an.example,",
        "Xã Hòa Bình,hoa-binh,phong-e,Phòng E,Phòng,,,e@hoa-binh.example,",
    )
    code, _, err = run_cli("units", "import", str(sheet), "-d", str(root))
    assert code == 1
    assert err.splitlines()[1:] == [
        "  don-vi.csv!G2: đơn vị 'phong-d' tham chiếu 'khong-co' không có trong danh mục; ghi mã (cột Mã "
        "đơn vị) của một đơn vị cùng xã, hoặc để trống",
    ]
    assert not root.exists()


def test_wrong_or_missing_columns(tmp_path: Path) -> None:
    """A misspelt header gets the column meant; a missing required column is named."""
    sheet = _csv(tmp_path, "Xã An Phú,x@an-phu.example", header="Xã,Emial\n")
    code, _, err = run_cli("units", "import", str(sheet), "-d", str(tmp_path / "defs"))
    assert code == 1
    assert err.splitlines()[1:] == [
        "  don-vi.csv!B1: cột 'Emial' không có trong mẫu; có phải 'E-mail'? Các cột: "
        + ", ".join(c.header for c in COLUMNS),
        "  don-vi.csv!1:1: thiếu cột 'Tên đơn vị' (Tên đầy đủ như kế hoạch ghi)",
    ]


def test_an_invalid_existing_directory_is_not_touched(tmp_path: Path) -> None:
    """An existing directory that does not validate is reported, not overwritten."""
    root = tmp_path / "defs"
    broken = write_yaml(root / "units" / "an-phu.yaml", {"id": "an-phu", "name": "Xã An Phú", "units": []})
    text = broken.read_text(encoding="utf-8")
    sheet = _csv(tmp_path, "Xã An Phú,an-phu,phong-a,Phòng A,Phòng,,,a@an-phu.example,")
    code, _, err = run_cli("units", "import", str(sheet), "-d", str(root))
    assert code == 1
    assert err.splitlines()[1] == (
        f"  {broken}: danh mục hiện có không hợp lệ ({broken}:3:8: units: không được để trống); "
        f"sửa file này trước (planflow validate {broken})"
    )
    assert broken.read_text(encoding="utf-8") == text


def test_template_round_trip_and_xlsx_cell_references(tmp_path: Path) -> None:
    """The template's example rows import as they are; a bad cell of an .xlsx is named
    with its sheet (Đơn vị!E3)."""
    template = tmp_path / "mau.xlsx"
    code, out, _ = run_cli("units", "template", "-o", str(template))
    assert (code, out) == (0, f"Đã ghi {template}\n")
    code, out, _ = run_cli("units", "import", str(template), "-d", str(tmp_path / "defs"))
    assert code == 0
    assert "Xã An Bình (an-binh" in out and "2 đơn vị mới (ubnd-xa, phong-van-hoa-xa-hoi)" in out
    book = load_workbook(template)
    book["Đơn vị"]["E3"] = "Phòng ban chuyên môn"
    book.save(template)
    code, _, err = run_cli("units", "import", str(template), "-d", str(tmp_path / "defs2"))
    assert code == 1
    assert err.splitlines()[1].startswith("  Đơn vị!E3: 'Phòng ban chuyên môn' không phải loại đơn vị")


def test_an_xlsx_of_another_layout_reads_its_first_sheet(tmp_path: Path) -> None:
    """A province's own workbook: other sheet name, header further down, columns reordered."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "Danh sach"
    sheet.append(["DANH SÁCH ĐƠN VỊ CÁC XÃ"])
    sheet.append([])
    sheet.append(["Tên đơn vị", "E-mail", "Xã"])
    sheet.append(["Phòng Kinh tế xã An Phú", "kinhte@an-phu.example", "Xã An Phú"])
    path = tmp_path / "ds.xlsx"
    book.save(path)
    code, out, err = run_cli("units", "import", str(path), "-d", str(tmp_path / "defs"))
    assert (code, err) == (0, "")
    assert "1 đơn vị mới (phong-kinh-te)" in out


def test_checked_in_template_is_current(tmp_path: Path) -> None:
    """docs/onboarding/mau-don-vi.xlsx holds what `planflow units template` writes."""
    fresh = tmp_path / "mau.xlsx"
    write_template(fresh)

    def cells(path: Path) -> dict[str, list[list[object]]]:
        book = load_workbook(path)
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}

    assert cells(TEMPLATE) == cells(fresh), "chạy: planflow units template -o docs/onboarding/mau-don-vi.xlsx"


def test_repository_example_is_untouched_by_the_tests(tmp_path: Path) -> None:
    """The worked example is read, never written (imports go to temporary folders)."""
    copy = tmp_path / "ex.csv"
    shutil.copy(EXAMPLE, copy)
    run_cli("units", "import", str(copy), "-d", str(tmp_path / "defs"), "--dry-run")
    assert copy.read_bytes() == EXAMPLE.read_bytes()


def test_a_failed_write_puts_back_the_files_already_written(tmp_path: Path) -> None:
    """All or none on disk too: when one directory cannot be moved into place (its path is
    a folder), the ones already written are removed again and the command says why."""
    root = tmp_path / "defs"
    (root / "units" / "tan-hoa.yaml").mkdir(parents=True)  # in the way of the second commune
    code, _, err = run_cli("units", "import", str(EXAMPLE), "-d", str(root))
    assert code == 1
    assert err.startswith("Lỗi: không đọc/ghi được")
    assert sorted(p.name for p in (root / "units").iterdir()) == ["tan-hoa.yaml"]
    assert not any((root / "units" / "tan-hoa.yaml").iterdir())


def test_one_commune_id_for_two_communes_is_refused(tmp_path: Path) -> None:
    """Two communes whose names give the same id (a xã and a phường of one name) would share
    a directory: the second is asked for its own id."""
    sheet = _csv(
        tmp_path,
        "Xã An Phú,,,Phòng A,Phòng,,,a@an-phu.example,",
        "Phường An Phú,,,Phòng B,Phòng,,,b@an-phu.example,",
    )
    code, _, err = run_cli("units", "import", str(sheet), "-d", str(tmp_path / "defs"))
    assert code == 1
    assert err.splitlines()[1:] == [
        "  don-vi.csv!B3: mã xã 'an-phu' đã dùng cho 'Xã An Phú' (dòng 2); ghi mã khác vào cột 'Mã xã' "
        "cho 'Phường An Phú'"
    ]


def test_new_directory_in_a_repository_names_the_schema(tmp_path: Path) -> None:
    """Laid out as this repository (planflow.schema.json beside definitions/), a new
    directory's first line points editors at the schema, and the schema accepts it."""
    shutil.copy(REPO / "planflow.schema.json", tmp_path / "planflow.schema.json")
    code, _, _ = run_cli("units", "import", str(EXAMPLE), "-d", str(tmp_path / "definitions"))
    assert code == 0
    lines = (tmp_path / "definitions" / "units" / "tan-hoa.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[:2] == [
        "# yaml-language-server: $schema=../../planflow.schema.json",
        "# Danh mục đơn vị của Xã Tân Hòa, nhập từ don-vi-tinh-dong-xanh.csv (planflow units import).",
    ]
    schema = json.loads((tmp_path / "planflow.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load("\n".join(lines)), schema, cls=jsonschema.Draft7Validator)
