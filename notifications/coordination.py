"""Render a coordination request (``planflow.coordination``): the courteous letter a
commune writes to a superior or a partner, asking for its part in the plan's items.

It says what the plan asks of the body (lead or support), by when, and whom to contact;
it never says "quá hạn" nor "khẩn trương": the issuing body does not direct the recipient.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from planflow import vnformat as vn
from planflow.check.plans import PlanContext
from planflow.escalation import Digest
from planflow.notifications.config import DEFAULT_PREFIX
from planflow.notifications.render import Rendered, environment

_ROLE = {"lead": "chủ trì thực hiện", "support": "phối hợp"}


def render_coordination(
    digest: Digest, contexts: Mapping[str, PlanContext], *, as_of: dt.date, prefix: str = DEFAULT_PREFIX
) -> Rendered:
    """Subject, text and HTML of one request; names come from each item's own plan; the
    subject starts with the configured prefix (``PLANFLOW_MAIL_SUBJECT_PREFIX``) as every mail's does."""
    first = contexts[digest.notices[0].item.facts.plan_id]
    items = []
    for notice in digest.notices:
        facts, context = notice.item.facts, contexts[notice.item.facts.plan_id]
        items.append({
            "title": facts.title, "period": facts.period, "plan": context.title,
            "role": _ROLE.get(notice.role, "phối hợp"),
            "lead": ", ".join(context.unit_names[u] for u in facts.lead),
            "due": vn.day(facts.due) if facts.due else "",
        })  # fmt: skip
    count = len(items)
    plans = {str(i["plan"]) for i in items}
    about = (
        f"“{items[0]['title']}”" if count == 1 else plans.pop() if len(plans) == 1 else f"{count} nội dung"
    )
    subject = f"{prefix} Đề nghị phối hợp thực hiện {about}".lstrip()
    subject = subject if len(subject) <= 160 else subject[:159] + "…"
    data = {
        "subject": subject,
        "recipient": digest.recipient.name,
        "issuer": first.issuer,
        "standing": first.standing_name,
        "items": items,
        "as_of": vn.day(as_of),
    }
    env = environment()
    return Rendered(
        subject=subject,
        text=env.get_template("coordination.txt.j2").render(data),
        html=env.get_template("coordination.html.j2").render(data),
    )
