"""Render notices into messages. One Jinja environment; rendering sends nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from planflow import vnformat as vn
from planflow.coordination import COORDINATION
from planflow.escalation import GROUPS, HEADING_LABELS, REPORT_KINDS, Digest, Notice, group_of
from planflow.notifications.config import DEFAULT_PREFIX
from planflow.status import OccurrenceFacts
from planflow.web.config import LinkMaker


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("planflow.notifications", "templates"),
        autoescape=select_autoescape(["html", "html.j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(vn.FILTERS)  # numbers, dates, periods; roman: headings I., II., III.
    return env


HEADINGS = {g: HEADING_LABELS[g] for g in GROUPS}
"""The digest's headings, as they read in the message and its subject."""

NOTICE_HEADINGS = HEADING_LABELS
"""What a notice is, as a person reads it: its digest heading, or a coordination request."""


def heading_of(notice: Notice) -> str:
    """The heading a notice stands under (a key of ``NOTICE_HEADINGS``)."""
    return COORDINATION if notice.kind == COORDINATION else group_of(notice)


def lateness_words(days_overdue: int | None, days_left: int | None) -> str:
    """Lateness as every message counts it, in calendar days: "quá hạn 16 ngày", "còn 7
    ngày", "hạn hôm nay"; nothing for an item without a due date."""
    if days_overdue:
        return f"quá hạn {days_overdue} ngày"
    if days_left is None:
        return ""
    return f"còn {days_left} ngày" if days_left > 0 else "hạn hôm nay"


_INPUT_TITLE = re.compile(r"^Báo cáo gửi (?P<to>[^:]+): (?P<what>.+)$")


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lower_first(text: str) -> str:
    """ "Báo cáo kết quả …" → "báo cáo kết quả …" (an acronym such as "UBND" stays)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def item_title(
    facts: OccurrenceFacts, unit_names: Mapping[str, str] | None = None, unit: str | None = None
) -> str:
    """How an item reads in a message: a task by its title. A report, or a unit's input to
    one, reads as a request to the unit that owes it ("Đề nghị gửi báo cáo … về Phòng …"),
    never as a task; to anyone else (the standing unit, a leader) it names who owes it
    ("Báo cáo … của Phòng Kinh tế gửi Phòng …"), so two units' inputs never read alike."""
    if facts.kind not in REPORT_KINDS:
        return facts.title
    title, to = facts.title, ""
    match = _INPUT_TITLE.match(title)
    if match:
        title, to = match["what"], match["to"]
    if not title.casefold().startswith("báo cáo"):
        title = "báo cáo " + _lower_first(title)
    if unit_names is None or unit in facts.lead:
        return f"Đề nghị gửi {_lower_first(title)}{f' về {to}' if to else ''}"
    owners = ", ".join(unit_names.get(u, u) for u in facts.lead)
    title = title[:1].upper() + title[1:]
    return f"{title} của {owners}{f' gửi {to}' if to else ''}" if facts.kind == "report_input" else title


_BODY = re.compile(r"^(?:Ủy ban nhân dân|UBND)\s+", re.IGNORECASE)


def place_of(issuer: str) -> str:
    """The locality an issuing body governs: "Ủy ban nhân dân xã Lộc Tấn" → "xã Lộc Tấn"."""
    return _BODY.sub("", issuer).strip()


def subject_for(
    digest: Digest, unit_names: Mapping[str, str], prefix: str = DEFAULT_PREFIX, *, as_of: dt.date,
    issuer: str = "",
) -> str:  # fmt: skip
    """The subject of a message, a function of what it is about and nothing that changes
    between two sends of it (retries and resends carry the stored subject anyway).

    A daily digest is a new message each day: its subject names the most urgent heading,
    whom it is for (with the commune when the recipient's name does not say it) and the
    day, and no count that could disagree with the body ("[planflow] Quá hạn – Phòng Kinh
    tế xã Lộc Tấn – ngày 24/10/2025"). A message about one occurrence
    (``Digest.threaded``) keeps one subject whatever the step, so mail clients thread it:
    the title and the period."""
    lead = f"{prefix} " if prefix else ""
    items, unit = digest.items, unit_of(digest.recipient.id)
    if digest.threaded:
        facts = items[0].item.facts
        period = vn.period_words(facts.period)
        return f"{lead}{_short(item_title(facts, unit_names, unit))}{f' ({period})' if period else ''}"
    who, place = digest.recipient.name, place_of(issuer)
    if place and place.casefold() not in who.casefold():
        who = f"{who}, {place}"
    return f"{lead}{HEADINGS[digest.groups[0][0]]} – {_short(who)} – ngày {as_of:%d/%m/%Y}"


def unit_of(recipient_id: str) -> str | None:
    """The unit a recipient stands for: ``unit:<dir>/<id>`` or its head ``head:<dir>/<id>``."""
    kind, _, rest = recipient_id.partition(":")
    return rest.rsplit("/", 1)[-1] if kind in ("unit", "head") and rest else None


def wording(digest: Digest) -> str:
    """The digest's wording: that of its most advanced step, except that a unit is never asked
    to "chỉ đạo, đôn đốc" itself: when the recipient leads every overdue item (the standing
    unit leading its own task gets the +3w step), the escalation reads as an overdue notice
    to the owner ("Đề nghị khẩn trương thực hiện")."""
    template, unit = digest.template, unit_of(digest.recipient.id)
    overdue = [n.item.facts for n in digest.items if group_of(n) == "overdue"]
    if template == "escalation" and unit is not None and overdue and all(unit in f.lead for f in overdue):
        return "overdue"
    return template


def digest_links(digest: Digest, links: LinkMaker | None, now: dt.datetime) -> dict[str, tuple[str, str]]:
    """Occurrence key → (label, URL) of the link its line carries: the progress form when
    the recipient leads it (a link signed for that unit only), else the plan's board."""
    if links is None:
        return {}
    unit = unit_of(digest.recipient.id)
    out = {}
    for notice in digest.notices:
        facts = notice.item.facts
        if unit is not None and unit in facts.lead:
            out[facts.key] = ("Cập nhật tiến độ", links.progress(facts.plan_id, unit, now, facts.key))
        else:
            out[facts.key] = ("Xem bảng theo dõi", links.board(facts.plan_id))
    return out


def _item(n: Notice, plan_titles: Mapping[str, str], unit_names: Mapping[str, str],
          links: Mapping[str, tuple[str, str]],
          monitors: Mapping[str, Sequence[str]]) -> dict[str, Any]:  # fmt: skip
    facts = n.item.facts
    return {
        "title": item_title(facts, unit_names, unit_of(n.recipient.id)),
        "plan": plan_titles.get(facts.plan_id, facts.plan_id),
        "period": vn.period_words(facts.period),
        "lead": ", ".join(unit_names.get(u, u) for u in facts.lead),
        "due": vn.day(facts.due),
        "days_overdue": n.item.days_overdue,
        "days_left": n.item.days_left,
        "status": n.item.status.label,
        "link": links.get(facts.key),
        "review": facts.review,
        "monitor": ", ".join(monitors.get(facts.key, ())),
    }


def render_digest(
    digest: Digest,
    *,
    as_of: dt.date,
    plan_titles: Mapping[str, str],
    unit_names: Mapping[str, str],
    standing: str,
    links: Mapping[str, tuple[str, str]] | None = None,
    prefix: str = DEFAULT_PREFIX,
    issuer: str = "",
    monitors: Mapping[str, Sequence[str]] | None = None,
) -> Rendered:
    """Subject, text and HTML of one digest, its items under their headings; ``links``
    (occurrence key → (label, URL)) adds each item's link to its progress form or board;
    ``monitors`` (occurrence key → names) its monitoring bodies ("Cơ quan theo dõi").

    Lateness is counted one way everywhere: calendar days after the due day, as
    ``days_overdue`` is; the ladder's steps (which may count working days) are not shown."""
    links, monitors = links or {}, monitors or {}
    groups = [
        {
            "key": g,
            "heading": HEADINGS[g],
            "items": [_item(n, plan_titles, unit_names, links, monitors) for n in found],
        }
        for g, found in digest.groups
    ]
    subject = subject_for(digest, unit_names, prefix, as_of=as_of, issuer=issuer)
    context = {
        "subject": subject,
        "recipient": digest.recipient.name,
        "escalation": digest.is_escalation,
        "template": wording(digest),
        "groups": groups,
        "as_of": vn.day(as_of),
        "standing": standing,
    }
    env = environment()
    return Rendered(
        subject=subject,
        text=env.get_template("digest.txt.j2").render(context),
        html=env.get_template("digest.html.j2").render(context),
    )
