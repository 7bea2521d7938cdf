"""Routes reached through a signed link: a unit's page, the progress form of one of its
occurrences, its part of a report, and calendar feeds.

The unit is always the one the link was signed for: no form field names a unit, so a link
for unit A can never record for unit B, and an occurrence A does not lead is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from planflow import vnformat as vn
from planflow.check.plans import PlanStatus, plan_status
from planflow.errors import EvidenceError, LinkError
from planflow.exports.ics import plan_calendar
from planflow.intake.forms import (
    PROGRESS_LABELS,
    ReportInput,
    input_opens,
    not_open_yet,
    open_item,
    owned_open_items,
    record_report_input,
    report_input_fields,
    task_leads,
)
from planflow.intake.progress import ProgressRequest, record_progress
from planflow.schema import Plan
from planflow.status import OccurrenceStatus, ProgressStatus
from planflow.store.history import progress_event
from planflow.web.access import viewer_for
from planflow.web.board import css_class
from planflow.web.context import Csrf, WebState, check_csrf, csrf_for, read_form, state
from planflow.web.evidence import Evidence, discard, store_evidence
from planflow.web.forms import Parsed, parse_progress, parse_report_input
from planflow.web.pages import error_page, page, sentence
from planflow.web.security import SESSION_COOKIE
from planflow.web.signin import session_user
from planflow.web.tokens import LinkScope

router = APIRouter()
NOT_OPEN_ADVICE = "Hãy gửi từ ngày đó, theo liên kết trong thư nhắc việc; đến hạn, planflow sẽ nhắc."
FEED_GRACE = dt.timedelta(days=60)  # a calendar feed outlives its plan by this much


def _scope(web: WebState, token: str) -> tuple[LinkScope, Plan]:
    scope = web.config.tokens.read_progress_link(token, web.clock())
    plan = web.defs.plan(scope.plan_id)
    if scope.unit_id not in web.unit_names(plan):
        raise LinkError(f"đơn vị '{scope.unit_id}' không còn trong danh mục của kế hoạch")
    return scope, plan


def base_url(request: Request, web: WebState) -> str:
    return web.config.public_url or str(request.base_url).rstrip("/")


def feed_token(web: WebState, plan: Plan, unit_id: str | None) -> str:
    plan_end = dt.datetime.combine(plan.period.end, dt.time(), tzinfo=dt.UTC) + FEED_GRACE
    expires = max(plan_end, web.clock() + dt.timedelta(days=web.config.link_days))
    return web.config.tokens.calendar_feed(plan.id, unit_id, expires)


def _not_open_page(message: str) -> Response:
    return error_page(403, "Chưa đến kỳ báo cáo", sentence(message), NOT_OPEN_ADVICE)


def _item_view(item: OccurrenceStatus, token: str, plan: Plan, today: dt.date) -> dict[str, Any]:
    f = item.facts
    opens = input_opens(plan, item)
    return {
        "key": f.key,
        "kind": f.kind,
        "title": f.title,
        "label": f.label,
        "period": f.period,
        "due": f.due,
        "status": vn.status_text(item.status, item.days_overdue),
        "css": css_class(item.status),
        "percent": item.progress.percent,
        "url": f"/p/{token}/o/{f.key}",
        "opens": opens if opens is not None and today < opens else None,
    }


@router.get("/p/{token}")
def unit_page(token: str, request: Request, da_ghi: int | None = None) -> Response:
    """The unit's open occurrences of the plan, most pressing first."""
    web = state(request)
    scope, plan = _scope(web, token)
    with web.factory() as session:
        status = plan_status(plan.id, web.clock(), session=session)
        recorded = _recorded(session, da_ghi, scope, status)
    items = [_item_view(i, token, plan, status.as_of.day) for i in owned_open_items(status, scope.unit_id)]
    context = {
        "plan": plan,
        "unit": web.unit_names(plan)[scope.unit_id],
        "as_of": status.as_of.day,
        "expires": scope.expires,
        "tasks": [i for i in items if i.get("kind") != "report_input"],
        "inputs": [i for i in items if i.get("kind") == "report_input"],
        "recorded": recorded,
        "calendar": f"{base_url(request, web)}/ics/{feed_token(web, plan, scope.unit_id)}.ics",
    }
    return page("unit.html.j2", context)


def _recorded(session: Session, event_id: int | None, scope: LinkScope, status: PlanStatus) -> str | None:
    """The confirmation line of an event this unit just recorded (nothing for anyone else's)."""
    if event_id is None:
        return None
    event = progress_event(event_id, session=session)
    if event is None or event.plan_id != scope.plan_id or event.by_unit != scope.unit_id:
        return None
    title = next((i.facts.title for i in status.items if i.key == event.occurrence_key), event.occurrence_key)
    label = PROGRESS_LABELS[ProgressStatus(event.status)]
    done = f" ({vn.percent(event.percent)})" if event.percent is not None else ""
    return f"Đã ghi: {title} — {label}{done}"


@router.get("/p/{token}/o/{key:path}")
def occurrence_form(token: str, key: str, request: Request) -> Response:
    """The progress form of one open occurrence (or the report form of a report input)."""
    web = state(request)
    scope, plan = _scope(web, token)
    with web.factory() as session:
        status = plan_status(plan.id, web.clock(), session=session)
    item = open_item(status, scope.unit_id, key)
    refused = not_open_yet(plan, item, status.as_of.day)
    if refused is not None:
        return _not_open_page(refused)
    csrf = csrf_for(request, web)
    response = _form_page(web, token, plan, status, scope, item, csrf, Parsed(), {}, 200)
    return csrf.apply(response, web.config.secure_cookies)


def _form_page(
    web: WebState, token: str, plan: Plan, status: PlanStatus, scope: LinkScope, item: OccurrenceStatus,
    csrf: Csrf, parsed: Parsed, entered: dict[str, str], code: int,
) -> Response:  # fmt: skip
    names = web.unit_names(plan)
    context: dict[str, Any] = {
        "plan": plan,
        "unit": names[scope.unit_id],
        "item": _item_view(item, token, plan, status.as_of.day),
        "lead": ", ".join(names.get(u, u) for u in item.facts.lead),
        "when_text": vn.when_words(item.facts.when_text),
        "review": item.facts.review,
        "back": f"/p/{token}",
        "action": f"/p/{token}/o/{item.key}",
        "csrf": csrf.token,
        "errors": parsed.errors,
        "entered": entered,
        "today": status.as_of.day,
        "max_mb": web.config.upload_max_bytes // 1048576,
    }
    if item.facts.kind == "report_input":
        context["figures"] = report_input_fields(plan, item.facts.item_id, scope.unit_id, task_leads(status))
        return page("report_form.html.j2", context, code)
    context["targets"] = item.targets
    context["current"] = item.progress.status.value
    context["statuses"] = PROGRESS_LABELS
    return page("progress_form.html.j2", context, code)


@router.post("/p/{token}/o/{key:path}")
async def submit(token: str, key: str, request: Request) -> Response:
    """Record the form as a progress event authored by the link's unit."""
    web = state(request)
    scope, plan = _scope(web, token)
    form = await read_form(request, web, "evidence")
    if isinstance(form, Response):
        return form
    try:
        check_csrf(request, web, form.fields)
    except LinkError as exc:
        return error_page(403, "Biểu mẫu không hợp lệ", sentence(str(exc)),
                          "Mở lại trang biểu mẫu từ liên kết trong thư rồi gửi lại.")  # fmt: skip
    csrf = csrf_for(request, web)
    author = await run_in_threadpool(_signed_in_author, request, web, scope, plan)
    return await run_in_threadpool(
        _record, web, token, scope, plan, key, form.fields, form.upload, csrf, author
    )


def _signed_in_author(request: Request, web: WebState, scope: LinkScope, plan: Plan) -> str | None:
    """The board account sending the form, when one is signed in and may write for the
    link's unit (its officer, or the plan's standing unit): the event then names it."""
    cookie = request.cookies.get(SESSION_COOKIE)
    user = session_user(web.factory, cookie) if cookie else None
    viewer = viewer_for(web, user) if user is not None else None
    if viewer is None or not viewer.account or not viewer.can_write or not viewer.sees_plan(plan, web.defs):
        return None
    return viewer.username if viewer.unit_id in (None, scope.unit_id) else None


def _record(
    web: WebState, token: str, scope: LinkScope, plan: Plan, key: str, fields: dict[str, str],
    upload: tuple[str, bytes] | None, csrf: Csrf, author: str | None,
) -> Response:  # fmt: skip
    now = web.clock()
    stored: list[Evidence] = []
    try:
        with web.factory() as session, session.begin():
            status = plan_status(plan.id, now, session=session)
            item = open_item(status, scope.unit_id, key)
            refused = not_open_yet(plan, item, status.as_of.day)
            if refused is not None:
                return _not_open_page(refused)
            if item.facts.kind == "report_input":
                figures = report_input_fields(plan, item.facts.item_id, scope.unit_id, task_leads(status))
                parsed = parse_report_input(fields, figures, now)
            else:
                parsed = parse_progress(fields, item.targets, plan, now)
            if upload is not None and not parsed.errors:
                try:
                    stored.append(store_evidence(web.config.evidence_root, plan.id, upload[0], upload[1],
                                                 max_bytes=web.config.upload_max_bytes, by_unit=scope.unit_id,
                                                 now=now))  # fmt: skip
                except EvidenceError as exc:
                    parsed.errors["evidence"] = str(exc)
            if parsed.errors:
                form = _form_page(web, token, plan, status, scope, item, csrf, parsed, fields, 400)
                return csrf.apply(form, web.config.secure_cookies)
            event_id = _write_event(
                web, scope, plan, status, item, parsed, next(iter(stored), None), session, now, author
            )
    except BaseException:
        for evidence in stored:  # the event was not written: keep no orphan file
            discard(web.config.home, evidence)
        raise
    return RedirectResponse(f"/p/{token}?da_ghi={event_id}", status_code=303)


def _write_event(
    web: WebState, scope: LinkScope, plan: Plan, status: PlanStatus, item: OccurrenceStatus, parsed: Parsed,
    evidence: Evidence | None, session: Session, now: dt.datetime, author: str | None,
) -> int:  # fmt: skip
    ref = evidence.ref if evidence else None
    if item.facts.kind == "report_input":
        submission = ReportInput(item.key, scope.unit_id, parsed.text, parsed.values, ref, parsed.at, author)
        return record_report_input(submission, status, plan, session=session, now=now).id
    request = ProgressRequest(
        plan_id=plan.id, item_id=item.facts.item_id, status=parsed.status, period=item.facts.period,
        percent=parsed.percent, values=tuple(f"{k}={v}" for k, v in parsed.values.items()),
        note=parsed.text or None, evidence=ref, by=scope.unit_id, at=parsed.at, occurrence_key=item.key,
        recorded_by=author,
    )  # fmt: skip
    return record_progress(request, web.defs, session=session, now=now).id


@router.get("/ics/{token}.ics")
def calendar_feed(token: str, request: Request) -> Response:
    """A plan's deadlines (or one unit's) as an iCalendar feed a calendar app subscribes to.

    A feed is read-only and long-lived, and calendar apps share and sync it widely: its
    events link to the plan's board (behind the login), never to a progress form. A unit
    writes through the links of its reminder e-mails."""
    web = state(request)
    scope = web.config.tokens.read_calendar_feed(token, web.clock())
    plan = web.defs.plan(scope.plan_id)
    names = web.unit_names(plan)
    now = web.clock()
    with web.factory() as session:
        status = plan_status(plan.id, now, session=session)
    board = f"{base_url(request, web)}/board/{plan.id}"
    body = plan_calendar(status, plan, names, unit_id=scope.unit_id, standing=web.standing(plan), now=now,
                         link=lambda item: board)  # fmt: skip
    name = f"{plan.id}-{scope.unit_id}.ics" if scope.unit_id else f"{plan.id}.ics"
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})  # fmt: skip
