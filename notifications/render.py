"""Render notices into messages. One Jinja environment; rendering sends nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from planflow.escalation import Digest, step_label


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("notifications", "templates"),
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


def render_digest(
    digest: Digest,
    *,
    as_of: dt.date,
    plan_titles: Mapping[str, str],
    unit_names: Mapping[str, str],
    standing: str,
) -> Rendered:
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
