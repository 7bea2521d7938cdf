"""How the accuracy harness judges an import: facts, not wording; a wrong deadline without a
review mark is counted as silent; a non-plan's refusal is recognised by its words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from planflow.errors import DocumentError
from planflow.importer import extract, read_document
from planflow.importer.accuracy import NOT_A_PLAN, GoldReport, GoldTask, score, score_header, score_reports
from planflow.importer.draft import PlanDraft, ReportDraft, TaskDraft
from planflow.importer.timing import read_time
from planflow.importer.unitnames import Matcher
from scripts.build_import_documents import GOLD, SPECS, gold_of

MATCHER = Matcher(None)


def _task(title: str, time: str, lead: str = "Sở Tài chính") -> TaskDraft:
    task = TaskDraft(title=title, where="dòng 1", time=read_time(time, 2026))
    task.lead = MATCHER.refs(lead)
    return task


def _gold(title: str, **facts: Any) -> GoldTask:
    return GoldTask.from_yaml({"label": "1", "title": title, "lead": ["Sở Tài chính"], **facts}, 2026)


def test_a_wrong_deadline_without_review_mark_is_silent() -> None:
    """30/10 read for a task due 31/10 is wrong; unmarked it is silent, marked it is not."""
    gold = [_gold("Tổ chức hội nghị sơ kết", when="deadline", due=dt.date(2026, 10, 31))]
    found = _task("Tổ chức hội nghị sơ kết", "Trước ngày 30/10/2026")
    assert (
        score([found], gold, MATCHER, 2026).silent,
        score([found], gold, MATCHER, 2026).right["dates"],
    ) == (1, 0)
    found.doubt("when", "kiểm tra lại ngày")
    assert score([found], gold, MATCHER, 2026).silent == 0


def test_the_same_day_in_other_words_is_right() -> None:
    """A deadline and a one-day time due the same day mean the same; a quarter is its last day."""
    gold = [
        _gold("Hoàn thành báo cáo", when="deadline", due=dt.date(2026, 6, 30)),
        _gold("Tổng kết năm", when="quarter", start=dt.date(2026, 10, 1), due=dt.date(2026, 12, 31)),
    ]
    found = [_task("Hoàn thành báo cáo", "30/6/2026"), _task("Tổng kết năm", "Quý IV/2026")]
    assert score(found, gold, MATCHER, 2026).right["dates"] == 2


def test_recurring_times_are_compared_by_their_due_days() -> None:
    """'Trước ngày 30/11 hằng năm' is due on 30/11; a yearly time due on 31/12 is wrong."""
    gold = [_gold("Bố trí vốn", when="recurring", every=["year"], days=["30/11"])]
    result = score([_task("Bố trí vốn", "Hằng năm")], gold, MATCHER, 2026)
    assert result.right["dates"] == 0
    assert result.wrong == ["1 deadline “Hằng năm”: recurring year 31/12 ≠ recurring year 30/11 SILENT"]


def test_titles_match_through_small_slips_but_not_other_tasks() -> None:
    """An OCR slip in a long title still matches; a different task does not."""
    gold = [_gold("Tổ chức các lớp bồi dưỡng kỹ năng số cho chủ doanh nghiệp", when="none")]
    slipped = _task("Tổ chức các lớp bồi duỡng kỹ nǎng số cho chủ doanh nghiêp, hộ kinh doanh", "")
    other = _task("Tổ chức các hoạt động tuyên truyền về chuyển đổi số", "")
    assert score([slipped], gold, MATCHER, 2026).matched == 1
    assert score([other], gold, MATCHER, 2026).matched == 0


def test_collective_names_match_with_or_without_các_and_liên_quan() -> None:
    """ "Các sở, ban, ngành có liên quan" and "sở, ban, ngành liên quan" are the same units."""
    gold = GoldTask.from_yaml(
        {
            "label": "1",
            "title": "Rà soát",
            "lead": ["Sở Tài chính"],
            "support": ["Các sở, ban, ngành có liên quan"],
        }
    )
    found = _task("Rà soát cơ chế", "")
    found.support = MATCHER.refs("sở, ban, ngành liên quan")
    assert score([found], [gold], MATCHER, 2026).right["support"] == 1


def test_a_report_duty_is_right_only_with_its_recipients_and_days() -> None:
    """Who reports, to whom and when must all agree; a missing recipient makes it wrong."""
    gold = [
        GoldReport.from_yaml(
            {"label": "R1", "who": ["Sở Tài chính"], "to": ["Ủy ban nhân dân tỉnh"], "when": "recurring",
             "every": ["quarter"]},
            2026,
        )
    ]  # fmt: skip
    report = ReportDraft(
        title="Báo cáo quý",
        compiler=MATCHER.refs("Sở Tài chính")[0],
        recipients=MATCHER.refs("UBND tỉnh"),
        time=read_time("Hằng quý", 2026),
        source="body",
        where="dòng 9",
    )
    assert score_reports([report], gold, MATCHER, 2026).right == 1
    report.recipients = []
    assert score_reports([report], gold, MATCHER, 2026).right == 0


def test_units_reporting_through_the_compiler_address_the_body_they_name() -> None:
    """ "Báo cáo UBND tỉnh (qua Sở Nội vụ)": the units' duty is to UBND tỉnh (the addressee),
    the compiler's own report too; without "qua" the units report to the compiler."""
    gold = [
        GoldReport.from_yaml({"label": "R1", "who": ["UBND các xã, phường"], "to": ["Ủy ban nhân dân tỉnh"],
                              "when": "event"}, 2026),
    ]  # fmt: skip
    report = ReportDraft(
        title="Báo cáo kết quả",
        compiler=MATCHER.refs("Sở Nội vụ")[0],
        recipients=MATCHER.refs("UBND tỉnh"),
        time=None,
        source="body",
        where="dòng 9",
        inputs=[(MATCHER.refs("UBND các xã, phường"), read_time("khi có yêu cầu", 2026))],
        addressee=MATCHER.refs("UBND tỉnh"),
    )
    assert score_reports([report], gold, MATCHER, 2026).right == 1
    report.addressee = []
    assert score_reports([report], gold, MATCHER, 2026).right == 0


def test_the_importers_refusal_of_another_document_type_reads_as_not_a_plan(tmp_path: Path) -> None:
    """A Báo cáo is refused with words the harness counts as "not a plan"."""
    path = tmp_path / "bao-cao.txt"
    path.write_text(
        "ỦY BAN NHÂN DÂN\nXÃ LỘC TẤN\nSố: 05/BC-UBND\nBÁO CÁO\nKết quả thực hiện Kế hoạch năm 2025\n",
        encoding="utf-8",
    )
    with pytest.raises(DocumentError) as refused:
        extract(read_document(path), None)
    assert NOT_A_PLAN.search(str(refused.value))


@pytest.mark.parametrize("spec", sorted(SPECS.glob("*.yaml")), ids=lambda p: p.stem)
def test_committed_gold_of_built_documents_is_the_specs(spec: Path) -> None:
    """The gold beside a built document says what its spec says (rebuild after editing a spec)."""
    committed = yaml.safe_load((GOLD / spec.name).read_text(encoding="utf-8"))
    assert committed == gold_of(yaml.safe_load(spec.read_text(encoding="utf-8")), spec.stem)


def test_header_fields_compare_by_meaning() -> None:
    """ "UBND tỉnh" is "Ủy ban nhân dân tỉnh"; a missing decision is wrong, not skipped."""
    draft = PlanDraft(
        source="kh.docx", kind="docx", document_number="412/KH-UBND", issuer="UBND tỉnh Lâm Đồng"
    )
    gold = {
        "number": "412/KH-UBND",
        "issuer": "Ủy ban nhân dân tỉnh Lâm Đồng",
        "decision": {"number": "215/QĐ-UBND", "issued": dt.date(2026, 2, 9)},
    }
    result = score_header(draft, gold)
    assert (result.right, result.scored) == (2, 3)
    assert result.wrong == ["decision: None ≠ (215/QĐ-UBND, 2026-02-09)"]
