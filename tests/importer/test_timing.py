"""No silent wrong deadline: a time wording is used only when every word of it was understood."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from random import Random

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from planflow.importer import extract, read_document, write_draft
from planflow.importer.emit import CHECK
from planflow.importer.summary import summary, summary_lines
from planflow.importer.timing import looks_like_time, read_time, settle_year
from planflow.schema import UnitDirectory
from planflow.when import EventWhen, OngoingWhen, read_when
from tests.test_when_parse import CASES, GENERAL

D = dt.date

UNDERSTOOD = [
    # the seeds' wordings, with the action or the focus before the time
    "Thành lập Tổ trước ngày 05/10/2025; hoạt động liên tục, thường xuyên",
    "Đang thực hiện, trọng tâm từ 01/10 – 01/11/2025 và thường xuyên",
    "thực hiện thí điểm từ ngày 23/9/2025 cho đến khi đánh giá, nghiệm thu, hoàn thành đề tài",
    "dự kiến 01 tuần, bắt đầu từ ngày 06/10 - 10/10/2025",
    "Định kỳ hàng quý, 6 tháng, năm (chậm nhất vào ngày mùng 10 của tháng)",
    # issue 14's wordings
    "trước ngày 01/6 và 15/11 hằng năm",
    "chậm nhất ngày 20 hàng tháng",
    "Quý IV/2025 - Quý II/2026",
    "Thường xuyên, định kỳ hằng quý báo cáo kết quả về Ủy ban nhân dân tỉnh",
    "Sau khi có Quy chế của Trung ương",
    # a recurring report that may also be asked for at any time
    "định kỳ hằng năm hoặc đột xuất theo yêu cầu",
    "Hằng tháng, trước ngày 16 hoặc khi có yêu cầu của UBND tỉnh",
    # portal plans: a purpose after the deadline, a duration in working days
    "trước ngày 31/3/2026 để tổng hợp, thẩm định",
    "trong 03 ngày làm việc (từ ngày 08 đến ngày 10 tháng 12 năm 2025)",
    "Thời gian hoàn thành trước ngày 31 tháng 12 năm 2025",
]


@pytest.mark.parametrize("text", UNDERSTOOD + [text for text, _ in CASES + GENERAL])
def test_fully_understood_wordings_keep_their_date(text: str) -> None:
    """A wording whose every word is a time word (or the action before it) is used as read:
    the seeds' and issue 14's wordings of tests/test_when_parse.py and those above."""
    reading = read_when(text, 2025)
    assert reading.when is not None, reading.doubt
    assert reading.doubt is None


@pytest.mark.parametrize(
    ("text", "doubt"),
    [
        # a condition before the deadline
        ("sau Tết Nguyên đán, trước 30/3/2026",
         "“sau Tết Nguyên đán, trước 30/3/2026”: chưa hiểu phần “sau tết nguyên đán”; ghi lại thời gian cho rõ"),
        # a day number no rule uses: which month's 20th?
        ("hằng quý trước ngày 20", "“hằng quý trước ngày 20”: chưa hiểu phần “20”; ghi lại thời gian cho rõ"),
        # "approximately"
        ("khoảng tháng 10/2025", "“khoảng tháng 10/2025”: chưa hiểu phần “khoảng”; ghi lại thời gian cho rõ"),
        # two times that disagree
        ("Quý II/2026, trước 30/10/2025",
         "“Quý II/2026, trước 30/10/2025”: mốc 30/10/2025, 2025 không khớp với thời gian đọc được; ghi lại cho rõ"),
        # a yearly duty with a dated day: the first time, or every year?
        ("trước ngày 30/11/2025 hằng năm",
         "“trước ngày 30/11/2025 hằng năm”: mốc 30/11/2025, 2025 không khớp với thời gian đọc được; ghi lại cho rõ"),
        # an impossible quarter (seed 003)
        ("Quý VI/2026", "'Quý VI/2026': quý VI không tồn tại, một năm chỉ có quý I, II, III, IV"),
        # a reversed range
        ("10/10 - 06/10/2025",
         "'10/10 - 06/10/2025': khoảng thời gian kết thúc (06/10/2025) trước khi bắt đầu (10/10/2025); "
         "kiểm tra lại ngày"),
        # no year anywhere, and no plan year
        ("06/10 - 10/10", "'06/10 - 10/10': thiếu năm; hãy ghi năm (vd. 08/10/2025) hoặc đặt kỳ kế hoạch"),
    ],
)  # fmt: skip
def test_partly_understood_wordings_get_no_date(text: str, doubt: str) -> None:
    """Leftover words, stray dates, impossible or reversed dates: no date, and the reason."""
    reading = read_when(text, 2025 if "/20" in text or "quý" in text else None)
    assert reading.when is None
    assert reading.doubt == doubt
    assert reading.partial == ("chưa hiểu phần" in doubt or "không khớp" in doubt)


def test_year_from_the_plan_is_noted() -> None:
    """A date without its year is read with the plan's year, and says so."""
    assert read_when("06/10 - 10/10", 2025).year_from_plan
    assert read_when("Quý II", 2025).year_from_plan
    assert not read_when("06/10 - 10/10/2025", 2025).year_from_plan


@pytest.mark.parametrize(
    ("multi_year", "issued", "doubt"),
    [
        # a plan over several years: which year?
        (True, None, "“06/10 - 10/10”: kế hoạch nhiều năm, văn bản không ghi năm của mốc này; ghi rõ năm"),
        # the date would end before the plan was issued
        (False, D(2025, 12, 20),
         "“06/10 - 10/10”: mốc suy ra (10/10/2025) trước ngày ban hành 20/12/2025; có thể là năm sau; ghi rõ năm"),
        # a one-year plan issued before the date: the plan's year is certain
        (False, D(2025, 9, 1), None),
    ],
)  # fmt: skip
def test_uncertain_plan_year_is_given_up(multi_year: bool, issued: dt.date | None, doubt: str | None) -> None:
    """A year taken from the plan stays only when that year is certain."""
    settled = settle_year(read_time("06/10 - 10/10", 2025), multi_year, issued)
    assert settled is not None
    assert settled.problem == doubt
    assert (settled.when is None) == (doubt is not None)


DIRECTORY = UnitDirectory.model_validate(
    {
        "id": "demo",
        "name": "Xã Demo",
        "units": [{"id": "vhxh", "name": "Phòng Văn hóa - Xã hội", "aliases": ["Phòng VH-XH"]}],
    }
)

PLAN = """\
ỦY BAN NHÂN DÂN       CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
XÃ DEMO    Độc lập - Tự do - Hạnh phúc
Số: 12/KH-UBND         Demo, ngày 05 tháng 01 năm 2026

KẾ HOẠCH
Chuyển đổi số năm 2026

II. NHIỆM VỤ
1. Các hoạt động
a) Rà soát thủ tục hành chính
- Đơn vị chủ trì: Phòng Văn hóa - Xã hội.
- Thời gian: sau Tết Nguyên đán, trước 30/3/2026.
b) Tổng kết năm
- Đơn vị chủ trì: Phòng Văn hóa - Xã hội.
- Thời gian: trước ngày 30/11 hằng năm.
c) Cập nhật cơ sở dữ liệu
- Đơn vị chủ trì: Phòng Văn hóa - Xã hội.
- Thời gian: 10/10 - 06/10/2026.
d) Xử lý sự cố
- Đơn vị chủ trì: Phòng Văn hóa - Xã hội.
- Thời gian: Khi có phát sinh.
"""


def test_import_keeps_unclear_wording_with_no_date_and_counts_it(tmp_path: Path) -> None:
    """The draft keeps the document's words under a review mark, sets no date, and the summary counts it."""
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    draft = extract(read_document(path), DIRECTORY)
    written = write_draft(draft, DIRECTORY)
    tasks = {t.label: t.when for t in written.plan.tasks}
    assert tasks["a)"].kind == "ongoing" and tasks["a)"].text == "sau Tết Nguyên đán, trước 30/3/2026"
    assert tasks["b)"].kind == "recurring" and [(d.month, d.day) for d in tasks["b)"].on] == [(11, 30)]
    assert tasks["c)"].kind == "ongoing" and tasks["c)"].text == "10/10 - 06/10/2026"
    assert tasks["d)"].kind == "event"
    lines = written.text.splitlines()
    at = lines.index("    when: {kind: ongoing, text: 'sau Tết Nguyên đán, trước 30/3/2026'}")
    start = max(i for i in range(at) if lines[i].startswith(f"    # {CHECK}:"))
    comment = " ".join(line.removeprefix("    # ") for line in lines[start:at])
    assert comment == (
        f"{CHECK}: thời gian “sau Tết Nguyên đán, trước 30/3/2026” không đọc được: “sau Tết Nguyên đán, "
        "trước 30/3/2026”: chưa hiểu phần “sau tết nguyên đán”; ghi lại thời gian cho rõ; chưa đặt hạn, "
        "tạm để 'ongoing' (thường xuyên) — sửa lại"
    )
    assert yaml.safe_load(written.text)["tasks"][0]["when"]["text"] == "sau Tết Nguyên đán, trước 30/3/2026"
    data = summary(draft, written, None, None)
    assert data["times_to_review"] == 2
    assert (
        "Thời gian chưa hiểu hết: 2 chỗ, giữ nguyên lời văn và chưa đặt hạn; hãy ghi lại trước khi dùng."
        in summary_lines(data)
    )


# Fragments of real "Thời gian" cells: times the parser understands, words that change what
# the time means, and impossible or reversed dates.
TIMES = [
    "trước ngày 05/10/2025", "Quý II/2026", "Quí IV-2025", "hằng năm", "Thường xuyên", "2026 - 2030",
    "trước ngày 30/11 hằng năm", "từ 01/10 - 01/11/2025", "tháng 10/2025", "định kỳ hàng quý",
    "chậm nhất ngày 20 hàng tháng", "đầu tháng 11/2025", "Quý I, II/2026", "2025", "06/10 - 10/10",
    "trong 10 ngày", "6 tháng", "Tháng 12", "ngày 15", "Khi có phát sinh", "dự kiến",
    "tháng 10 - 12/2025", "6 tháng đầu năm 2026", "từ năm 2026 trở đi", "ngày 08-10/12/2025",
    "hằng tháng, trước ngày 16", "Quý III đến Quý IV năm 2026", "Tháng 12 hằng năm",
    "cho đến khi nghiệm thu", "hoặc khi có yêu cầu", "để tổng hợp", "báo cáo kết quả", "và thường xuyên",
]  # fmt: skip
MEANINGFUL = [
    "sau Tết Nguyên đán", "nếu đủ kinh phí", "tùy tình hình thực tế", "trừ ngày nghỉ lễ",
    "chờ hướng dẫn của Bộ", "khoảng", "chưa xác định", "Quý V", "nếu cần", "Tết", "ước tính",
    "hiện hành", "ngoại trừ tháng 2", "tháng 14", "ngày 45", "năm 1800",
]  # fmt: skip
IMPOSSIBLE = [
    "Quý VI/2026", "31/02/2026", "tháng 13/2025", "10/10 - 06/10/2025", "32/12/2025", "Quý V/2026",
    "2030 - 2026", "15/12 - 15/01", "tháng 0/2025",
]  # fmt: skip
JOINERS = [", ", " ", "; ", " và ", " - ", " đến "]


def _dated(when: object) -> bool:
    """Whether ``when`` names a date (an event or bare 'thường xuyên' names none)."""
    return not isinstance(when, EventWhen) and not (
        isinstance(when, OngoingWhen) and when.start is None and when.end is None
    )


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(TIMES), min_size=0, max_size=3),
    st.lists(st.sampled_from(MEANINGFUL + IMPOSSIBLE), min_size=1, max_size=2),
    st.randoms(use_true_random=False),
    st.sampled_from(JOINERS),
)
def test_no_date_without_full_understanding(
    times: list[str], odd: list[str], rnd: Random, joiner: str
) -> None:
    """A wording with a word that changes its meaning, or an impossible date, never yields a date unmarked."""
    parts = times + odd
    rnd.shuffle(parts)
    text = joiner.join(parts)
    reading = read_when(text, 2025)
    if reading.when is None:
        assert reading.doubt, text
    else:
        assert not _dated(reading.when), (text, reading.when)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TIMES), min_size=1, max_size=3), st.sampled_from(JOINERS))
def test_understood_or_marked(times: list[str], joiner: str) -> None:
    """Any mix of real time fragments is either read (never crashing) or marked with a reason."""
    reading = read_when(joiner.join(times), 2025)
    assert reading.when is not None or reading.doubt


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an impossible quarter, "Quí" spelling and a dash: still a time, to be flagged
        ("Quí VI-2026", True),
        # a period of years
        ("giai đoạn 2026-2030", True),
        # a unit's abbreviation with a dash is no time
        ("Phòng VH-XH", False),
    ],
)
def test_looks_like_time(text: str, expected: bool) -> None:
    """A cell made only of time words is a time cell, even when the date is impossible."""
    assert looks_like_time(text) is expected


MULTI_YEAR_PLAN = """\
ỦY BAN NHÂN DÂN       CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
XÃ DEMO    Độc lập - Tự do - Hạnh phúc
Số: 12/KH-UBND         Demo, ngày 05 tháng 01 năm 2026

KẾ HOẠCH
Chuyển đổi số giai đoạn 2026 - 2030

II. NHIỆM VỤ
1. Các hoạt động
a) Rà soát thủ tục hành chính
- Đơn vị chủ trì: Phòng Văn hóa - Xã hội.
- Thời gian: 06/10 - 10/10.
b) Tổng kết
- Đơn vị chủ trì: Phòng Văn hóa - Xã hội.
- Thời gian: trước ngày 30/11 hằng năm.
"""


def test_multi_year_plan_gives_up_years_it_would_guess(tmp_path: Path) -> None:
    """In a plan for 2026 - 2030, "06/10 - 10/10" gets no date and a review mark; a yearly day keeps its own."""
    path = tmp_path / "plan.txt"
    path.write_text(MULTI_YEAR_PLAN, encoding="utf-8")
    draft = extract(read_document(path), DIRECTORY)
    written = write_draft(draft, DIRECTORY)
    tasks = {t.label: t.when for t in written.plan.tasks}
    assert (tasks["a)"].kind, tasks["a)"].text) == ("ongoing", "06/10 - 10/10")
    assert tasks["b)"].kind == "recurring"
    assert (
        f"    # {CHECK}: “06/10 - 10/10”: kế hoạch nhiều năm, văn bản không ghi năm của mốc này; ghi rõ năm;"
        in written.text.splitlines()
    )
    assert summary(draft, written, None, None)["times_to_review"] == 1
