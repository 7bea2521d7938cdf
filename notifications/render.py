"""Render notices into messages. One Jinja environment; rendering sends nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from planflow.escalation import Digest, step_label
from planflow.web.config import LinkMaker


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("planflow.notifications", "templates"),
        autoescape=select_autoescape(["html", "html.j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def subject_for(digest: Digest) -> str:
    count = len(digest.notices)
    first = digest.notices[0].item.facts.title
    first = first if len(first) <= 80 else first[:79] + "…"
    head = "[planflow] Quá hạn" if digest.is_escalation else "[planflow] Nhắc việc"
    return f"{head}: {first}" if count == 1 else f"{head}: {count} nhiệm vụ — {first}"


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


def render_digest(
    digest: Digest,
    *,
    as_of: dt.date,
    plan_titles: Mapping[str, str],
    unit_names: Mapping[str, str],
    standing: str,
    links: Mapping[str, tuple[str, str]] | None = None,
) -> Rendered:
    """Subject, text and HTML of one digest; ``links`` (occurrence key → (label, URL)) adds
    each item's link to its progress form or to the board."""
    links = links or {}
    items = [
        {
            "key": n.item.key,
            "title": n.item.facts.title,
            "plan": plan_titles.get(n.item.facts.plan_id, n.item.facts.plan_id),
            "period": n.item.facts.period,
            "lead": ", ".join(unit_names.get(u, u) for u in n.item.facts.lead),
            "due": n.item.facts.due.strftime("%d/%m/%Y") if n.item.facts.due else "—",
            "days_overdue": n.item.days_overdue,
            "status": n.item.status.label,
            "step": step_label(n.step),
            "link": links.get(n.item.key),
            "review": n.item.facts.review,
        }
        for n in digest.notices
    ]
    subject = subject_for(digest)
    context = {
        "subject": subject,
        "recipient": digest.recipient.name,
        "escalation": digest.is_escalation,
        "template": digest.template,
        "items": items,
        "as_of": as_of.strftime("%d/%m/%Y"),
        "standing": standing,
    }
    env = environment()
    return Rendered(
        subject=subject,
        text=env.get_template("digest.txt.j2").render(context),
        html=env.get_template("digest.html.j2").render(context),
    )
