"""Unit names in plans: only bodies, lists split where officials split them, the shipped
list of usual names after the 2025 reorganisation."""

from __future__ import annotations

import pytest

from planflow.importer.unitnames import Matcher, NameKind, clean_name, guess_kind
from planflow.importer.usualnames import BodyKind, usual_unit, usual_units
from planflow.schema import UnitDirectory, UnitKind

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)

COMMUNE = UnitDirectory.model_validate(
    {
        "id": "tan-phu",
        "name": "Xã Tân Phú",
        "units": [
            {"id": "vp", "name": "Văn phòng HĐND và UBND xã", "kind": "office"},
            {"id": "vhxh", "name": "Phòng Văn hóa - Xã hội"},
            {"id": "khcn", "name": "Sở Khoa học và Công nghệ", "kind": "province_department"},
        ],
    }
)


def _names(text: str, directory: UnitDirectory | None = None) -> list[tuple[str, str]]:
    return [(r.name, r.kind.value) for r in Matcher(directory).refs(text)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # two departments and all the communes: three names
        (
            "Sở Tài chính, Sở Nội vụ và UBND các xã, phường",
            [("Sở Tài chính", "unit"), ("Sở Nội vụ", "unit"), ("UBND các xã, phường", "collective")],
        ),
        # the commas and "và" of one department's name do not split it
        ("Sở Văn hóa, Thể thao và Du lịch", [("Sở Văn hóa, Thể thao và Du lịch", "unit")]),
        # nor the dash of a commune office
        (
            "Phòng Văn hóa - Xã hội, Phòng Kinh tế",
            [("Phòng Văn hóa - Xã hội", "unit"), ("Phòng Kinh tế", "unit")],
        ),
        # an institute whose name is a list of fields
        (
            "Viện Văn hóa, Nghệ thuật, Thể thao và Du lịch Việt Nam",
            [("Viện Văn hóa, Nghệ thuật, Thể thao và Du lịch Việt Nam", "unit")],
        ),
        # the communes including the special zones, then a mass organisation
        (
            "UBND các xã, phường, đặc khu và Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh",
            [
                ("UBND các xã, phường, đặc khu", "collective"),
                ("Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh", "unit"),
            ],
        ),
        # enterprises named by their brand
        ("Viettel, VNPT Đồng Nai, Bưu điện tỉnh", [("Viettel", "unit"), ("VNPT Đồng Nai", "unit"), ("Bưu điện tỉnh", "unit")]),
        # "Văn phòng HĐND và UBND" is one office, not an office and a committee
        (
            "Trung tâm Phục vụ hành chính công, Văn phòng HĐND và UBND",
            [("Trung tâm Phục vụ hành chính công", "unit"), ("Văn phòng HĐND và UBND", "unit")],
        ),
        # a university and the commune level (all the communes)
        ("Trường Đại học Cần Thơ và cấp xã", [("Trường Đại học Cần Thơ", "unit"), ("cấp xã", "collective")]),
        # "nhân dân" in a committee's name does not make it a collective, unlike "toàn thể Nhân dân"
        (
            "Ủy ban nhân dân tỉnh, Hội đồng nhân dân huyện Tân Phú và toàn thể Nhân dân",
            [
                ("Ủy ban nhân dân tỉnh", "unit"),
                ("Hội đồng nhân dân huyện Tân Phú", "unit"),
                ("toàn thể Nhân dân", "collective"),
            ],
        ),
        # the commas inside parentheses belong to the name
        (
            "Các doanh nghiệp viễn thông (Viettel, VNPT, MobiFone) và Sở Tài chính",
            [("Các doanh nghiệp viễn thông (Viettel, VNPT, MobiFone)", "collective"), ("Sở Tài chính", "unit")],
        ),
        # one head for several departments, as "Nơi nhận" and duty lists write it
        (
            "Các Sở: Tài chính, Nội vụ và Y tế",
            [("Sở Tài chính", "unit"), ("Sở Nội vụ", "unit"), ("Sở Y tế", "unit")],
        ),
        # labels on each piece, and a role in parentheses
        (
            "Chủ trì: Phòng Văn hóa - Xã hội (chủ trì); phối hợp: Phòng Kinh tế",
            [("Phòng Văn hóa - Xã hội", "unit"), ("Phòng Kinh tế", "unit")],
        ),
    ],
)  # fmt: skip
def test_lists_split_into_bodies(text: str, names: list[tuple[str, str]]) -> None:
    """A list of units splits into the bodies it names, never inside a body's own name."""
    assert _names(text) == names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Đơn vị chủ trì: Sở Khoa học và Công nghệ", "Sở Khoa học và Công nghệ"),
        ("Cơ quan/đơn vị phối hợp: Công an tỉnh", "Công an tỉnh"),
        ("Phối hợp với Sở Y tế", "Sở Y tế"),
        ("Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
        ("các cơ quan liên quan theo chức năng nhiệm vụ được giao", "các cơ quan liên quan"),
        ("các doanh nghiệp viễn thông (nếu có)", "các doanh nghiệp viễn thông"),
    ],
)
def test_labels_and_verbs_are_no_part_of_a_name(text: str, name: str) -> None:
    """Field labels, "Phối hợp với", "Đề nghị" and "theo chức năng nhiệm vụ" are stripped."""
    assert clean_name(text) == name
    assert [r.name for r in Matcher(None).refs(text)] == [name]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("UBND xã chỉ đạo các ấp thực hiện", "UBND xã"),
        ("Phòng Kinh tế tham mưu", "Phòng Kinh tế"),
        # a verb followed by a proper name is part of the body's name
        ("Tổ công tác thực hiện Đề án 06", "Tổ công tác thực hiện Đề án 06"),
    ],
)
def test_the_action_after_a_name_is_no_part_of_it(text: str, name: str) -> None:
    """A unit cell that goes on with what the unit does names only the unit."""
    (ref, *_) = Matcher(COMMUNE).refs(text)
    assert ref.name == name


def test_whole_phrases_are_collectives_not_units() -> None:
    """A phrase naming bodies at large stays a collective, never a new unit."""
    (ref,) = Matcher(None).refs("Phối hợp với các cơ quan liên quan theo chức năng nhiệm vụ được giao")
    assert ref.kind is NameKind.COLLECTIVE


@pytest.mark.parametrize(
    ("text", "usual", "kind"),
    [
        ("Sở KH&CN", "Sở Khoa học và Công nghệ", BodyKind.DEPARTMENT),
        ("Sở KHCN", "Sở Khoa học và Công nghệ", BodyKind.DEPARTMENT),
        ("Sở Y tế tỉnh Đồng Nai", "Sở Y tế", BodyKind.DEPARTMENT),
        ("VP HĐND-UBND", "Văn phòng HĐND và UBND", BodyKind.COMMUNE_OFFICE),
        ("Phòng VH-XH", "Phòng Văn hóa - Xã hội", BodyKind.COMMUNE_OFFICE),
        ("Công an tỉnh Lạng Sơn", "Công an tỉnh", BodyKind.PROVINCE_BODY),
        ("UBMTTQVN xã", "Ủy ban Mặt trận Tổ quốc Việt Nam", BodyKind.MASS_ORGANISATION),
        ("Ủy ban nhân dân các phường, xã, đặc khu", "UBND các xã, phường", BodyKind.COMMUNE),
        ("Tập đoàn Công nghiệp - Viễn thông Quân đội", "Viettel", BodyKind.ENTERPRISE),
        ("Bộ KH&CN", "Bộ Khoa học và Công nghệ", BodyKind.CENTRAL_BODY),
    ],
)
def test_usual_names_and_abbreviations(text: str, usual: str, kind: BodyKind) -> None:
    """Abbreviations, a place after the level word and aliases find the usual body and its kind."""
    found = usual_unit(text)
    assert found is not None
    assert (found[0].name, found[0].kind, found[1]) == (usual, kind, False)


@pytest.mark.parametrize(
    ("former", "merged"),
    [
        ("Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ"),
        ("Sở Kế hoạch và Đầu tư", "Sở Tài chính"),
        ("Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Môi trường"),
        ("Sở Giao thông vận tải", "Sở Xây dựng"),
        ("Sở Lao động - Thương binh và Xã hội", "Sở Nội vụ"),
        ("Ban Dân tộc tỉnh", "Sở Dân tộc và Tôn giáo"),
    ],
)
def test_names_from_before_the_2025_mergers(former: str, merged: str) -> None:
    """A department's name from before a merger finds the merged department, marked as a guess."""
    found = usual_unit(former)
    assert found is not None and (found[0].name, found[1]) == (merged, True)
    (ref,) = Matcher(None).refs(former)
    assert ref.fuzzy and ref.usual is not None and ref.usual.name == merged


def test_directory_first_then_the_usual_spelling() -> None:
    """A name the directory spells otherwise is found through the usual list's aliases."""
    refs = Matcher(COMMUNE, "Tân Phú").refs("VP HĐND-UBND, Phòng VHXH và Sở KHCN")
    assert [(r.unit_id, r.kind) for r in refs] == [
        ("vp", NameKind.UNIT),
        ("vhxh", NameKind.UNIT),
        ("khcn", NameKind.UNIT),
    ]


def test_unknown_bodies_are_kept_for_review() -> None:
    """A body in no list is kept as a proposed unit with a kind from its first words."""
    (ref,) = Matcher(COMMUNE).refs("Hợp tác xã Nông nghiệp Tân Phú")
    assert (ref.kind, ref.unit_id, ref.usual) == (NameKind.UNIT, None, None)
    assert guess_kind(ref.name) is UnitKind.ENTERPRISE


def test_shipped_kinds_give_directory_kinds() -> None:
    """A proposed department, front or ministry gets its directory kind from the shipped list."""
    assert guess_kind("Sở Dân tộc và Tôn giáo") is UnitKind.PROVINCE_DEPARTMENT
    assert guess_kind("Liên hiệp các Hội Khoa học và Kỹ thuật") is UnitKind.MASS_ORGANISATION
    assert guess_kind("Bộ Nông nghiệp và Môi trường") is UnitKind.MINISTRY
    assert guess_kind("Phòng Kinh tế") is UnitKind.DEPARTMENT


def test_the_shipped_list_has_no_name_twice() -> None:
    """No spelling of the shipped list names two bodies."""
    seen: dict[str, str] = {}
    for unit in usual_units():
        for spelling in (unit.name, *unit.aliases, *unit.former):
            found = usual_unit(spelling)
            assert found is not None
            seen.setdefault(spelling, unit.name)
            assert found[0].name == seen[spelling], spelling
