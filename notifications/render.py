"""Render notices into messages. One Jinja environment; rendering sends nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from planflow import vnformat as vn
from planflow.escalation import REPORT_KINDS, Digest, Notice
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


HEADINGS = {"overdue": "Quá hạn", "upcoming": "Sắp đến hạn", "report": "Báo cáo cần gửi"}
"""The digest's headings, as they read in the message and its subject."""

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


def _count(notices: list[Notice]) -> str:
    """ "3 nhiệm vụ, 1 báo cáo": tasks and reports counted apart."""
    reports = sum(1 for n in notices if n.item.facts.kind in REPORT_KINDS)
    tasks = len(notices) - reports
    parts = (f"{tasks} nhiệm vụ" if tasks else "", f"{reports} báo cáo" if reports else "")
    return ", ".join(p for p in parts if p)


def subject_for(digest: Digest, unit_names: Mapping[str, str], prefix: str = DEFAULT_PREFIX) -> str:
    """A digest names its groups, most urgent first, with their counts ("Quá hạn: 3 nhiệm
    vụ; Sắp đến hạn: 2 nhiệm vụ"), and its one item's title when it has one. A message
    about one occurrence (``Digest.threaded``) keeps one subject whatever the step, so
    mail clients thread it: the title and the period."""
    lead = f"{prefix} " if prefix else ""
    items, unit = digest.items, _unit_of(digest.recipient.id)
    if digest.threaded:
        facts = items[0].item.facts
        period = vn.period_words(facts.period)
        return f"{lead}{_short(item_title(facts, unit_names, unit))}{f' ({period})' if period else ''}"
    groups = digest.groups
    if len(items) == 1:
        return f"{lead}{HEADINGS[groups[0][0]]}: {_short(item_title(items[0].item.facts, unit_names, unit))}"
    return lead + "; ".join(f"{HEADINGS[g]}: {_count(found)}" for g, found in groups)


def _unit_of(recipient_id: str) -> str | None:
    """The unit a recipient stands for: ``unit:<dir>/<id>`` or its head ``head:<dir>/<id>``."""
    kind, _, rest = recipient_id.partition(":")
    return rest.rsplit("/", 1)[-1] if kind in ("unit", "head") and rest else None


def digest_links(digest: Digest, links: LinkMaker | None, now: dt.datetime) -> dict[str, tuple[str, str]]:
    """Occurrence key → (label, URL) of the link its line carries: the progress form when
    the recipient leads it (a link signed for that unit only), else the plan's board."""
    if links is None:
        return {}
    unit = _unit_of(digest.recipient.id)
    out = {}
    for notice in digest.notices:
        facts = notice.item.facts
        if unit is not None and unit in facts.lead:
            out[facts.key] = ("Cập nhật tiến độ", links.progress(facts.plan_id, unit, now, facts.key))
        else:
            out[facts.key] = ("Xem bảng theo dõi", links.board(facts.plan_id))
    return out


def _item(n: Notice, plan_titles: Mapping[str, str], unit_names: Mapping[str, str],
          links: Mapping[str, tuple[str, str]]) -> dict[str, Any]:  # fmt: skip
    facts = n.item.facts
    return {
        "title": item_title(facts, unit_names, _unit_of(n.recipient.id)),
        "plan": plan_titles.get(facts.plan_id, facts.plan_id),
        "period": vn.period_words(facts.period),
        "lead": ", ".join(unit_names.get(u, u) for u in facts.lead),
        "due": vn.day(facts.due),
        "days_overdue": n.item.days_overdue,
        "days_left": n.item.days_left,
        "status": n.item.status.label,
        "link": links.get(facts.key),
        "review": facts.review,
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
) -> Rendered:
    """Subject, text and HTML of one digest, its items under their headings; ``links``
    (occurrence key → (label, URL)) adds each item's link to its progress form or board.

    Lateness is counted one way everywhere: calendar days after the due day, as
    ``days_overdue`` is; the ladder's steps (which may count working days) are not shown."""
    links = links or {}
    groups = [
        {"key": g, "heading": HEADINGS[g], "items": [_item(n, plan_titles, unit_names, links) for n in found]}
        for g, found in digest.groups
    ]
    subject = subject_for(digest, unit_names, prefix)
    context = {
        "subject": subject,
        "recipient": digest.recipient.name,
        "escalation": digest.is_escalation,
        "template": digest.template,
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
