"""The reports a plan's units owe, from the sentences of their duties and the closing.

Plans word report duties in many shapes: a unit's name on its own line and its duties as
dashes under it, or inline ("1. Sở Tài chính: Tham mưu …"); a sentence that names its own
subject ("Các sở, ban, ngành, UBND các xã, phường định kỳ báo cáo …"); several reports in
one sentence ("định kỳ hằng tháng trước ngày 16, 6 tháng trước ngày 16/6, hằng năm trước
ngày 20/11"); a chain ("… gửi Sở Khoa học và Công nghệ tổng hợp, báo cáo UBND tỉnh"; "về UBND
xã (qua Phòng Văn hóa - Xã hội)"); a list under a lead sentence ("… như sau:"). Each report
becomes one obligation: the unit that compiles and sends it, who receives it, its time, and
the units whose reports it consolidates (its inputs, with their own deadlines). A unit that
reports "to" another for it to consolidate is an input of that unit's report, not a report
of its own.

Not report duties: "báo cáo viên", a data window ("Thời gian báo cáo … tính từ ngày 15
tháng 12 …"), and reporting difficulties when they arise ("khó khăn, vướng mắc … báo cáo").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planflow.importer.draft import ReportDraft
from planflow.importer.dutytext import Duty, read_duties, sentences, standing_unit, subject_of
from planflow.importer.reporttime import Cycle, DutyTime, read_cycle, read_duty_time
from planflow.importer.timing import ReadTime, read_time
from planflow.importer.unitnames import Matcher, NameKind, UnitRef
from planflow.importer.usualnames import expand
from planflow.when import Cadence, EventWhen, OngoingWhen, RecurringWhen, normalize

__all__ = ["read_duties", "report_duties", "standing_unit"]  # read_duties, standing_unit: see dutytext

_REPORT = re.compile(r"(?<!chế độ )(?<!xét )\bbáo cáo\b(?!\s*viên)", re.IGNORECASE)
_NOT_A_DUTY = re.compile(
    r"^(?:thời gian|thời điểm|số liệu)\b.*\bbáo cáo\b.*\btính từ\b|để báo cáo\)|báo cáo thành tích",
    re.IGNORECASE,
)
# What a report is about, or where it goes: a sentence asking for a report says one of them.
_REPORTS_ON = re.compile(
    r"báo cáo\s+(?:\S+\s+){0,12}?(?:kết quả|tình hình|tiến độ|tiến trình|việc thực hiện|sơ kết|tổng kết|"
    r"giữa kỳ)|báo cáo\b[^.;]*?\b(?:về|gửi|lên)\s+"
    + r"(?:Sở|Bộ|UBND|Ủy ban|Uỷ ban|Phòng|Văn phòng|Ban|Thường trực)",
    re.IGNORECASE,
)
# Verbs of duties other than reporting, telling a part of a sentence that is another duty.
_OTHER_DUTY = re.compile(
    r"\b(?:xây dựng|hoàn thành|rà soát|triển khai|tổ chức|thực hiện|ban hành|tuyên truyền|kiểm tra|"
    r"cập nhật|trình|tham mưu|bố trí)\b",
    re.IGNORECASE,
)
# A review a unit organises, with its time:
# "tham mưu sơ kết giữa kỳ vào năm 2028 và tổng kết vào Quý IV/2030".
_REVIEW = re.compile(
    r"(?:^|;|\bvà)\s*(?:(?:tham mưu|chủ trì|tổ chức|thực hiện)[\s,]+)*(?P<what>sơ kết|tổng kết)\b"
    r"(?P<rest>(?:(?!báo cáo|;)[^;]){0,60}?)\s+(?:vào|trong)\s+"
    r"(?P<when>(?:năm|quý|quí|tháng)\s+[^;,.()]{0,12}?\d{4})",
    re.IGNORECASE,
)
_TROUBLE = re.compile(r"khó khăn|vướng mắc", re.IGNORECASE)
_HEADS = (
    r"(?:Sở|Bộ|UBND|Ủy ban|Uỷ ban|Phòng|Văn phòng|Ban|Thường trực|Tỉnh ủy|Huyện ủy|Thành ủy|Đảng ủy|"
    r"Thủ tướng|Chính phủ|Hội đồng|HĐND|Trung tâm|[Cc]ơ quan thường trực|Công an|Liên|Viện|Cục|Tổng cục|"
    r"Kho bạc|Thanh tra)"
)
_STOP = (
    r"(?=\s*(?:[(;.]|$)|\s+(?:để|trước|theo|lồng ghép|định kỳ|chậm nhất|kết quả|"
    rf"tình hình|về\s+(?!{_HEADS}\b)|việc|xem xét|hằng|hàng|khi|trong|và phản ánh|đồng gửi|"
    r"đồng thời|cùng|qua|hoặc|vào|tiến độ|những|chỉ đạo|giải quyết|biết|phản ánh|với|đúng|đầy đủ)\b"
    r"|(?<![Dd]ịch vụ)\s+tổng hợp\b)"  # "Trung tâm Dịch vụ tổng hợp" is a commune's body
)
# The verb may open the sentence ("Báo cáo UBND tỉnh …"); the bodies keep their capitals.
_TO = re.compile(
    r"(?:\b[Bb]áo cáo|\b[Vv]ề|\b[Gg]ửi(?:\s+về)?|\b[Ll]ên|\b[Đđ]ồng gửi|\b[Cc]ho)"
    rf"\s+(?P<to>{_HEADS}\b.*?){_STOP}"
)
_CONSOLIDATES = re.compile(r"^\s*(?:\([^)]*\))?\s*,?\s*(?:để\s+)?(?:tổng hợp|tham mưu)", re.IGNORECASE)
_VIA = re.compile(r"\(\s*(?:thông )?qua\s+(?P<via>[^)]+)\)", re.IGNORECASE)
_HELPS = re.compile(
    rf"phối hợp(?: với)?\s+(?P<with>{_HEADS}\b.*?)\s+(?:cung cấp|tổng hợp|thống kê|báo cáo)", re.IGNORECASE
)
_LABELS: dict[tuple[Cadence, ...], str] = {
    (Cadence.MONTH,): "hằng tháng",
    (Cadence.QUARTER,): "hằng quý",
    (Cadence.HALF,): "6 tháng",
    (Cadence.YEAR,): "hằng năm",
}


_UNDATED = "văn bản không ghi thời hạn hay chu kỳ báo cáo"
_ONLY_INPUTS_DATED = "văn bản chỉ ghi hạn các đơn vị gửi báo cáo để tổng hợp; ghi hạn báo cáo này"


@dataclass
class _Found:
    """A report as one sentence states it, and the cycles it recurs on (for merging)."""

    report: ReportDraft
    cycles: tuple[Cadence, ...] | None  # None: the sentence gives no cycle
    once: bool = False
    own: bool = True  # False: only the inputs are dated, the compiler's own report is not
    detail: int = 0  # 2: a deadline is written, 1: only a cycle, 0: no time
    on_request: bool = False  # "hoặc khi có yêu cầu" beside the cycles: a report of its own


@dataclass
class _Chain:
    """Who a report clause goes to: straight to recipients, or through a consolidator."""

    recipients: list[UnitRef] = field(default_factory=list)
    consolidator: UnitRef | None = None
    upward: list[UnitRef] = field(default_factory=list)
    upward_at: int | None = None  # where "… tổng hợp, báo cáo UBND tỉnh" names the upward report
    via: bool = False  # "báo cáo UBND tỉnh (qua Sở …)": the units address the upward recipients


def report_duties(
    duties: list[Duty], closing: list[str], matcher: Matcher, year: int | None, standing: UnitRef | None
) -> list[ReportDraft]:
    """Report obligations of the duties and of the closing sentences, merged per compiler."""
    found: list[_Found] = []
    for duty in duties:
        lead = ""
        for sentence in duty.sentences:
            actors = sentence.subject or duty.units
            own_lead = lead if lead != sentence.paragraph else ""
            context = _Context(duty.where, matcher, year, standing, own_lead)
            found += _sentence_reports(sentence.text, actors, context)
            if sentence.text.rstrip().endswith(":"):
                lead = sentence.paragraph  # "… báo cáo gửi UBND tỉnh (qua Sở Nội vụ) như sau:" then the list
    for text in closing:
        for words in sentences(text):
            context = _Context("đoạn kết", matcher, year, standing)
            found += _sentence_reports(words, subject_of(words, matcher), context)
    return _merge(found)


@dataclass(frozen=True)
class _Context:
    """What a duty sentence is read with: where it is, the units, the plan's year, the
    standing unit, and the sentence that leads a list it belongs to."""

    where: str
    matcher: Matcher
    year: int | None
    standing: UnitRef | None
    lead: str = ""


def _sentence_reports(sentence: str, actors: list[UnitRef], context: _Context) -> list[_Found]:
    reviews = _reviews(sentence, actors, context)
    if not _REPORT.search(sentence) or _NOT_A_DUTY.search(sentence):
        return reviews
    out: list[_Found] = []
    for clause in _clauses(sentence):
        out += _clause_reports(clause, sentence, actors, context)
    return out + reviews


def _reviews(sentence: str, actors: list[UnitRef], context: _Context) -> list[_Found]:
    """A unit's mid-term or final review with its time ("tham mưu sơ kết giữa kỳ vào năm 2028
    và tổng kết vào Quý IV/2030") is a report of that unit (Báo cáo sơ kết, tổng kết), sent to
    whom the sentence's report goes (else left for review); a time that is no date is not taken."""
    if len(actors) != 1 or actors[0].kind is not NameKind.UNIT:
        return []
    out = []
    for match in _REVIEW.finditer(sentence):
        time = read_time(match.group("when"), context.year)
        if time.when is None or isinstance(time.when, RecurringWhen | OngoingWhen | EventWhen):
            continue
        chain = _chain(sentence, context.matcher, context.standing)
        recipients = chain.recipients or chain.upward
        what = f"{match.group('what')}{match.group('rest')}".strip()
        draft = ReportDraft(
            title=f"Báo cáo {what}",
            compiler=actors[0],
            recipients=[r for r in recipients if _key(r) != _key(actors[0])],
            time=time,
            source=sentence.strip(),
            where=context.where,
            kind="thematic",
        )
        out.append(_Found(draft, None, once=True, detail=2))
    return out


def _clauses(sentence: str) -> list[str]:
    """A sentence with two reports, each with its own time ("Báo cáo giữa kỳ … (năm 2030)
    và báo cáo tổng kết … (năm 2035)"), is two clauses; the rest of the sentence is shared."""
    starts = [m.start() for m in _REPORT.finditer(sentence)]
    cuts = [0]
    for start in starts[1:]:
        left, right = sentence[cuts[-1] : start], sentence[start:]
        ends_list = re.search(r"(?:,|\bvà)\s*$", left) and _REPORT.search(left)
        if ends_list and read_duty_time(left).cycles and read_duty_time(right).cycles:
            cuts.append(start)
    if len(cuts) == 1:
        return [sentence]
    tail = re.search(r",\s*gửi\b.*$", sentence)
    shared = tail.group(0) if tail else ""
    parts = [sentence[a:b] for a, b in zip(cuts, [*cuts[1:], len(sentence)], strict=True)]
    return [p if p.endswith(shared) else f"{p.rstrip(' ,và')}{shared}" for p in parts]


def _clause_reports(clause: str, sentence: str, actors: list[UnitRef], context: _Context) -> list[_Found]:
    matcher, year, standing = context.matcher, context.year, context.standing
    time = read_duty_time(clause)
    chain = _chain(clause, matcher, standing)
    before = sentence[: sentence.find(clause[:40])] if clause != sentence else ""
    if before and not chain.recipients and chain.consolidator is None:
        chain = _chain(before, matcher, standing)  # "… báo cáo UBND phường hằng quý … và báo cáo năm trước …"
    if context.lead and not chain.recipients and chain.consolidator is None:
        chain = _chain(context.lead, matcher, standing)
    actors = actors or (subject_of(context.lead, matcher) if context.lead else [])
    asked = time.cycles or time.events or time.regular or _REPORTS_ON.search(f"{context.lead} {clause}")
    if not asked:
        return []  # "… Hệ thống thông tin báo cáo của tỉnh, báo cáo Chính phủ": no report is asked for
    if not time.cycles and not chain.recipients and chain.consolidator is None and not time.events:
        return []
    if _TROUBLE.search(clause) and not time.cycles:
        return []  # reporting difficulties as they arise is no report duty
    if not actors:
        actors = [standing] if standing is not None and chain.consolidator is None else []
    if not actors:
        return []
    reported = [c for c in time.cycles if _reported(clause, c)]
    times: list[tuple[Cycle | None, ReadTime | None, str | None]] = [
        (c, *read_cycle(clause, c, time.regular, year)) for c in reported
    ] or [(None, *_untimed(time, year))]
    periodic = len(times)
    if (reported or time.regular) and time.events:
        # "… hằng năm (trước ngày 20/11) hoặc khi có yêu cầu", "báo cáo định kỳ, đột xuất":
        # one more report, on request
        times.append((None, *_untimed(DutyTime([], time.events, False), year)))
    out = []
    for index, (cycle, read, doubt) in enumerate(times):
        cycles = cycle.cadences(time.regular) if cycle is not None else None
        on_request = index >= periodic
        timing = _Timing(cycle, cycles, read, doubt, on_request)
        out += _obligations(clause, sentence, actors, chain, timing, context)
    return out


def _reported(clause: str, cycle: Cycle) -> bool:
    """Whether a time belongs to the report: not when its part of the sentence (between
    semicolons) is another duty ("Hằng năm xây dựng kế hoạch; báo cáo …", "…; hoàn thành rà
    soát trước ngày 30/6/2026"); a part with only times continues a list of reports."""
    if ";" not in clause:
        return True
    start = clause.rfind(";", 0, cycle.start) + 1
    end = clause.find(";", cycle.end)
    part = clause[start : end if end >= 0 else len(clause)]
    return bool(re.search(r"\bbáo cáo\b|\bgửi\b", part, re.IGNORECASE)) or not _OTHER_DUTY.search(part)


def _untimed(time: DutyTime, year: int | None) -> tuple[ReadTime | None, str | None]:
    """The time of a clause with no date or cycle: an event ("khi tổng kết Đợt thi đua",
    "khi có yêu cầu"), else nothing."""
    if time.regular:
        return None, "văn bản ghi báo cáo định kỳ nhưng không ghi chu kỳ, thời hạn"
    if time.events:
        read = read_time(time.events[0], year)
        if read.when is None:  # an event the parser does not know yet: it is still an event, no date
            read = ReadTime(read.text, EventWhen(text=read.text, description=read.text))
        return read, None
    return None, _UNDATED


def _chain(clause: str, matcher: Matcher, standing: UnitRef | None) -> _Chain:
    """Recipients of a report clause, and the unit that consolidates it when the units
    report to one ("về Sở … để tổng hợp", "gửi Sở … tổng hợp, báo cáo UBND tỉnh", "(qua …)")."""
    chain = _Chain()
    first = re.search(r"\bbáo cáo\b|\bgửi\b", clause, re.IGNORECASE)
    start = first.start() if first else 0
    for match in _TO.finditer(clause, start):
        refs = _bodies(match.group("to"), matcher, standing)
        if not refs:
            continue
        if chain.consolidator is None and _CONSOLIDATES.match(clause[match.end() :]) and len(refs) == 1:
            chain.consolidator = refs[0]
        elif chain.consolidator is not None:
            chain.upward += refs
            if chain.upward_at is None and normalize(match.group(0)).startswith("báo cáo"):
                chain.upward_at = match.start()
        else:
            chain.recipients += refs
    via = _VIA.search(clause)
    through = _bodies(via.group("via"), matcher, standing) if via is not None else []
    if through:
        earlier = [chain.consolidator] if chain.consolidator is not None else []
        chain.upward = earlier + chain.recipients + chain.upward
        chain.recipients, chain.consolidator, chain.via = [], through[0], bool(chain.upward)
    helps = _HELPS.search(clause)
    if helps is not None and chain.consolidator is None and not chain.recipients:
        refs = _bodies(helps.group("with"), matcher, standing)
        chain.consolidator = refs[0] if refs else None
    return chain


def _bodies(text: str, matcher: Matcher, standing: UnitRef | None) -> list[UnitRef]:
    """The bodies a captured list names; it ends at a comma before a lowercase word
    ("UBND tỉnh, phối hợp …"), not at one inside a name ("Bộ Văn hóa, Thể thao và Du lịch").
    "Cơ quan thường trực" is the plan's standing unit."""
    cut = next((m for m in re.finditer(r",\s*(\w)", text) if m.group(1).islower()), None)
    if cut is not None:
        text = text[: cut.start()]
    refs = [_known_head(r, matcher) for r in matcher.refs(text) if r.kind is not NameKind.NOT_UNIT]
    standing_words = re.compile(r"^(?:cơ quan|đơn vị) thường trực\b")
    return [standing if standing and standing_words.match(normalize(r.name)) else r for r in refs]


def _known_head(ref: UnitRef, matcher: Matcher) -> UnitRef:
    """A name no list knows that starts with one a list knows, then lowercase words, is that
    body: the words after it are the sentence's ("Sở Tài chính đế tống hợp", as OCR reads
    "để tổng hợp", which no stop word catches)."""
    if ref.kind is not NameKind.UNIT or ref.unit_id or ref.usual:
        return ref
    words = ref.name.split()
    for end in range(len(words) - 1, 1, -1):
        if words[end][:1].islower():
            head = matcher.refs(" ".join(words[:end]))
            if len(head) == 1 and (head[0].unit_id or head[0].usual):
                return head[0]
    return ref


@dataclass(frozen=True)
class _Timing:
    """One report's time in a clause: its words' cycle, the cycles it recurs on, the time
    read, and what to check about it."""

    cycle: Cycle | None
    cycles: tuple[Cadence, ...] | None
    time: ReadTime | None
    doubt: str | None
    on_request: bool = False  # the "hoặc khi có yêu cầu" of a sentence with cycles: a report of its own


def _obligations(
    clause: str, sentence: str, actors: list[UnitRef], chain: _Chain, timing: _Timing, context: _Context
) -> list[_Found]:
    """The obligations of one report of a clause: the actors' own, or an input of the
    consolidator's (whose own date the clause does not give)."""
    cycle, cycles, time, doubt = timing.cycle, timing.cycles, timing.time, timing.doubt
    where, standing = context.where, context.standing
    once = cycle is not None and not cycles
    title = _title(clause, cycles) + (" (đột xuất)" if timing.on_request else "")
    kind = "ad_hoc" if timing.on_request else _kind(cycle, clause)

    def report(
        compiler: UnitRef,
        recipients: list[UnitRef],
        own: bool,
        inputs: list[UnitRef],
        inputs_dated: bool = True,
    ) -> _Found:
        # the units one sentence names report together: one input
        group = [u for u in inputs if _key(u) != _key(compiler)]
        draft = ReportDraft(
            title=title,
            compiler=compiler,
            recipients=_unique([r for r in recipients if _key(r) != _key(compiler)]),
            time=time if own else None,
            source=sentence.strip(),
            where=where,
            kind=kind,
            inputs=[(group, time if inputs_dated else None)] if group else [],
            addressee=_unique(recipients) if chain.via and group else [],
        )
        if own and doubt:
            draft.doubts["when"] = doubt
        elif not own:
            draft.doubts["when"] = _ONLY_INPUTS_DATED if time is not None else _UNDATED
        dated = cycle is not None and bool(cycle.deadlines or cycle.last_week or cycle.year)
        detail = 2 if dated else int(cycle is not None)
        return _Found(draft, cycles, once, own, detail if own else 0, timing.on_request)

    consolidator = chain.consolidator
    if consolidator is not None and all(_key(a) != _key(consolidator) for a in actors):
        if cycle is not None and chain.upward_at is not None and cycle.start > chain.upward_at:
            # "… gửi về Phòng … để tổng hợp, báo cáo UBND huyện trước ngày 15/9": the compiler's date
            return [report(consolidator, chain.upward, True, actors, inputs_dated=False)]
        return [report(consolidator, chain.upward, False, actors)]
    if consolidator is not None:
        return [report(consolidator, chain.upward or chain.recipients, True, [])]
    many = len(actors) > 1 or actors[0].kind is NameKind.COLLECTIVE
    to_standing = standing is not None and all(_key(r) == _key(standing) for r in chain.recipients)
    if many and standing is not None and to_standing and all(_key(a) != _key(standing) for a in actors):
        # "Các cơ quan, đơn vị định kỳ báo cáo kết quả thực hiện": to the unit that follows the plan
        return [report(standing, [], False, actors)]
    return [report(actor, chain.recipients, True, []) for actor in actors]


def _kind(cycle: Cycle | None, clause: str) -> str:
    """Decree 09/2019 Art. 4: periodic (a cycle, or "định kỳ"), ad hoc (on request), else thematic."""
    regular = "định kỳ" in normalize(clause)
    if (cycle is not None and cycle.cadences(regular)) or (cycle is None and regular):
        return "periodic"
    if cycle is None and re.search(r"đột xuất|khi có yêu cầu|theo yêu cầu", normalize(clause)):
        return "ad_hoc"
    return "thematic"


def _title(clause: str, cycles: tuple[Cadence, ...] | None) -> str:
    match = re.search(
        r"báo cáo\s+(?:[^,;]*?\s+)?(?P<what>(?:kết quả|tình hình|tiến trình|tiến độ|sơ kết|tổng kết|giữa kỳ)"
        r"[^;(]*?)(?:\s+(?:về|gửi|trước|theo|lồng ghép|định kỳ|chậm nhất|cho|lên|khi|hằng|hàng)\b|[.;(,]|$)",
        clause,
        re.IGNORECASE,
    )
    what = match.group("what").strip() if match else "kết quả thực hiện Kế hoạch"
    label = _LABELS.get(cycles or ())
    return f"Báo cáo {what}" + (f" ({label})" if label else "")


def _unique(refs: list[UnitRef]) -> list[UnitRef]:
    return list({_key(r): r for r in reversed(refs)}.values())[::-1]


def _key(ref: UnitRef) -> str:
    return ref.unit_id or expand(ref.usual.name if ref.usual else ref.name)


def _keys(refs: list[UnitRef]) -> frozenset[str]:
    return frozenset(_key(r) for r in refs)


def _merge(found: list[_Found]) -> list[ReportDraft]:
    """One obligation per compiler and cycle: the sentences that state it again, and the
    units that report to the compiler for it (its inputs), fold into it. A sentence with
    no cycle folds into the compiler's first report; units that report to a unit that
    compiles a report of its own are its inputs ("Các đơn vị … báo cáo về Sở …")."""
    merged: list[_Found] = []
    for item in sorted(found, key=lambda f: (f.cycles is None and not f.once, not f.own)):
        same = next((m for m in merged if _same(m, item)), None)
        if same is None:
            merged.append(item)
        else:
            _fold(same, item)
    for item in list(merged):
        target = _consolidating(item, merged)
        if target is not None:
            target.report.inputs += [([item.report.compiler], item.report.time)]
            target.report.source = f"{target.report.source} — {item.report.source}"
            merged.remove(item)
    order = {id(f.report): i for i, f in enumerate(found)}
    reports = [m.report for m in sorted(merged, key=lambda m: order[id(m.report)])]
    for report in reports:
        _flag_unread_inputs(report)
        _event_of_inputs(report)
    return reports


def _event_of_inputs(report: ReportDraft) -> None:
    """A compiler's report with no time of its own whose units all report at one event
    ("khi tổng kết Đợt thi đua", "khi có yêu cầu") is due at that event: an event, never a
    date, kept for review."""
    times = {t.text: t for _, t in report.inputs if t is not None}
    if report.time is not None or len(times) != 1 or any(t is None for _, t in report.inputs):
        return
    (time,) = times.values()
    if not isinstance(time.when, EventWhen):
        return
    report.time = time
    said = f"văn bản chỉ ghi thời điểm các đơn vị gửi báo cáo (“{time.text}”)"
    report.doubts["when"] = f"{said}; tạm theo cùng thời điểm"


def _flag_unread_inputs(report: ReportDraft) -> None:
    """An input whose deadline is not understood keeps its words in the report's review mark."""
    unread = list(dict.fromkeys(t.text for _, t in report.inputs if t is not None and t.when is None))
    if unread:
        words = ", ".join(f"“{w}”" for w in unread)
        note = f"chưa đọc được hạn các đơn vị gửi báo cáo ({words}); ghi lại hạn cho từng đơn vị"
        report.doubts["when"] = f"{report.doubts['when']}; {note}" if "when" in report.doubts else note


def _consolidating(item: _Found, merged: list[_Found]) -> _Found | None:
    """The report of the one unit a collective reports to, when that unit compiles one."""
    report = item.report
    if report.compiler.kind is not NameKind.COLLECTIVE or len(report.recipients) != 1:
        return None
    to = _key(report.recipients[0])
    return next((m for m in merged if m is not item and _key(m.report.compiler) == to), None)


def _same(a: _Found, b: _Found) -> bool:
    if _key(a.report.compiler) != _key(b.report.compiler):
        return False
    if a.on_request or b.on_request:
        return a.on_request and b.on_request  # a report on request is none of the recurring or dated ones
    if b.cycles is None and not b.once:
        return True
    if not b.own:  # only its inputs are dated: it is the compiler's report of that cycle
        if b.once:
            return a.once
        # quarterly inputs of a quarterly, 6-month and annual report
        return a.cycles is not None and set(b.cycles or ()) <= set(a.cycles)
    if a.once or b.once:
        return a.once and b.once and _due(a.report) == _due(b.report)
    return a.cycles == b.cycles


def _due(report: ReportDraft) -> str | None:
    return report.time.text if report.time else None


def _add_input(report: ReportDraft, units: list[UnitRef], time: ReadTime | None) -> None:
    """One input per unit and deadline (the same units may send a part monthly and another
    yearly); an undated mention of a unit adds nothing to its dated input."""
    same = [i for i, (u, _) in enumerate(report.inputs) if _keys(u) == _keys(units)]
    if time is None:
        if not same:
            report.inputs.append((units, None))
        return
    undated = [i for i in same if report.inputs[i][1] is None]
    said = {t.text for _, t in (report.inputs[i] for i in same) if t is not None}
    if undated:
        report.inputs[undated[0]] = (units, time)
    elif time.text not in said:
        report.inputs.append((units, time))


def _fold(into: _Found, other: _Found) -> None:
    mine, theirs = into.report, other.report
    for units, time in theirs.inputs:
        _add_input(mine, units, time)
    if other.detail > into.detail:
        mine.time, mine.kind, into.detail = theirs.time, theirs.kind, other.detail
        mine.doubts.pop("when", None)
        if "when" in theirs.doubts:
            mine.doubts["when"] = theirs.doubts["when"]
    mine.recipients = _unique(mine.recipients + theirs.recipients)
    mine.addressee = _unique(mine.addressee + theirs.addressee)
    if theirs.source not in mine.source:
        mine.source = f"{mine.source} — {theirs.source}"
