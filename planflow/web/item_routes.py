"""One item on the board: its history (events, notices, comments) and the forms that record,
correct or withdraw progress and add a comment (rules in ``planflow.intake.corrections``).

Every form is a CSRF-checked POST that redirects back to the history page; a refused write
(read-only role, another unit's item, no reason) is a Vietnamese error page, never a change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from planflow import vnformat as vn
from planflow.accounts import Role, Viewer
from planflow.check.plans import official_title, plan_status
from planflow.errors import AccessError, CorrectionError, NotFoundError
from planflow.intake.corrections import (
    Correction,
    History,
    add_comment,
    check_corrector,
    check_writer,
    corrects,
    current_event,
    history,
    supersede,
)
from planflow.intake.forms import PROGRESS_LABELS, happened_at, parse_percent
from planflow.intake.progress import ProgressRequest, record_progress
from planflow.schema import Plan
from planflow.status import WITHDRAWN, OccurrenceStatus, ProgressStatus
from planflow.store.models import NoticeRow, OutboxRow
from planflow.web.access import current_viewer, reachable_plan
from planflow.web.board import css_class
from planflow.web.board_routes import checked_form, common, finish
from planflow.web.context import WebState, state
from planflow.web.pages import page

router = APIRouter()
EVENT_LABELS = {**{s.value: label for s, label in PROGRESS_LABELS.items()}, WITHDRAWN: "Rút lại"}


def history_url(plan_id: str, key: str) -> str:
    return f"/board/{plan_id}/item/{quote(key, safe='/')}"


def _notice_state(notice: NoticeRow, message: OutboxRow | None) -> str:
    """What became of a notice: its message's delivery state, or skipped by a catch-up."""
    if message is not None:
        return vn.OUTBOX_LABELS.get(message.status, message.status)
    return "bỏ qua khi chạy bù (đã có bước sau, không gửi)" if notice.state == "skipped" else "chưa xếp gửi"


def recipient_name(recipient: str, names: Mapping[str, str], plan: Plan) -> str:
    """Who a notice went to, by name: a unit's or a head's unit (``unit:<directory>/<unit>``,
    ``head:…``), or the plan's signer (``signer:<plan>``); the role beside it says which."""
    kind, _, rest = recipient.partition(":")
    if kind == "signer":
        return f"{official_title(plan.signer.title)} {plan.signer.name}"
    unit = rest.rsplit("/", 1)[-1]
    return names.get(unit, unit)


def _signed_in(request: Request) -> tuple[WebState, Viewer] | Response:
    web = state(request)
    viewer = current_viewer(request, web)
    return viewer if isinstance(viewer, Response) else (web, viewer)


async def _signed_form(request: Request) -> tuple[WebState, Viewer, dict[str, str]] | Response:
    """A write's prologue: the signed-in viewer and the form whose CSRF token checks out,
    or the response that refuses it (login page, stale form)."""
    signed = _signed_in(request)
    if isinstance(signed, Response):
        return signed
    web, viewer = signed
    fields = await checked_form(request, web)
    return fields if isinstance(fields, Response) else (web, viewer, fields)


def _item(
    web: WebState, viewer: Viewer, plan_id: str, key: str, session: Session
) -> tuple[Plan, OccurrenceStatus]:
    """The plan and the item's status now, if the viewer may see both."""
    plan = reachable_plan(viewer, web, plan_id)
    item = next((i for i in plan_status(plan_id, web.clock(), session=session).items if i.key == key), None)
    if item is None:
        raise NotFoundError(f"kế hoạch '{plan_id}' không có mục '{key}'")
    if not viewer.sees_item(item):
        raise AccessError(f"'{key}' không do đơn vị của tài khoản {viewer.username} chủ trì hay phối hợp")
    return plan, item


def _by_unit(web: WebState, viewer: Viewer, plan: Plan) -> str | None:
    """The unit a board write is recorded for: the officer's, else the plan's standing unit."""
    return viewer.unit_id if viewer.role is Role.OFFICER else web.standing(plan)


def _when(text: str, plan: Plan, now: dt.datetime, default: dt.datetime | None = None) -> dt.datetime:
    """The instant a form's day means: ``default`` (else now) when empty or that same day,
    noon of an earlier day; never a day to come or before the plan's period."""
    text = text.strip()
    try:
        day = dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise CorrectionError(
            f"ngày '{text}' không đọc được: chọn ngày trong lịch (dạng 2026-03-20)"
        ) from None
    if default is not None and (day is None or default.astimezone(ZoneInfo(plan.timezone)).date() == day):
        return default
    try:
        return happened_at(day, now, plan)
    except ValueError as error:
        raise CorrectionError(str(error)) from None


def _status(text: str) -> ProgressStatus:
    try:
        return ProgressStatus(text)
    except ValueError:
        raise CorrectionError(f"tình trạng '{text}' không có; chọn trong danh sách") from None


def _percent(text: str) -> int | None:
    try:
        return parse_percent(text) if text.strip() else None
    except (ValueError, ArithmeticError) as error:
        raise CorrectionError(str(error)) from None


def _event_rows(found: History, names: Mapping[str, str], zone: ZoneInfo) -> list[dict[str, Any]]:
    def at(moment: dt.datetime) -> str:
        return vn.moment(moment, zone)

    return [
        {
            "event": e,
            "label": EVENT_LABELS.get(e.status, e.status),
            "effective": at(e.effective_at),
            "recorded": at(e.recorded_at),
            "unit": names.get(e.by_unit or "", e.by_unit or "—"),
            "by": e.recorded_by or ("liên kết của đơn vị" if e.by_unit else "dòng lệnh"),
            "superseded_by": found.superseded_by.get(e.id),
            "current": found.current(e),
            "day": e.effective_at.astimezone(zone).date().isoformat(),
        }
        for e in found.events
    ]


@router.get("/board/{plan_id}/item/{key:path}")
def item_history(plan_id: str, key: str, request: Request) -> Response:
    """Who recorded what and when, what replaced it and why, the notices and the comments."""
    signed = _signed_in(request)
    if isinstance(signed, Response):
        return signed
    web, viewer = signed
    with web.factory() as session:
        plan, item = _item(web, viewer, plan_id, key, session)
        found = history(key, session=session)
    zone, names = ZoneInfo(plan.timezone), web.unit_names(plan)
    may_write = viewer.can_write and viewer.account
    context = {
        **common(request, web, viewer),
        "plan": plan,
        "item": item,
        "names": names,
        "monitor": web.monitors(plan).get(item.facts.item_id, []),
        "badge_css": css_class(item.status),
        "badge_text": vn.status_text(item.status, item.days_overdue),
        "events": _event_rows(found, names, zone),
        "comments": found.comments,
        "notices": [
            (
                n,
                o,
                recipient_name(n.recipient, names, plan),
                vn.RECIPIENT_ROLE_LABELS.get(n.role, n.role),
                _notice_state(n, o),
            )
            for n, o in found.notices
        ],
        "may_write": may_write,
        "may_correct": lambda e: may_write and corrects(viewer, e),
        "progress": PROGRESS_LABELS,
        "zone": zone,
        "today": web.clock().astimezone(zone).date().isoformat(),
    }
    return finish(request, web, page("item.html.j2", context))


@router.post("/board/{plan_id}/events")
async def record_event(plan_id: str, request: Request) -> Response:
    """Record a new progress event on an item from the board."""
    signed = await _signed_form(request)
    if isinstance(signed, Response):
        return signed
    web, viewer, fields = signed
    key, now = fields.get("key", ""), web.clock()
    with web.factory() as session, session.begin():
        plan, item = _item(web, viewer, plan_id, key, session)
        check_writer(viewer, item)
        ask = ProgressRequest(
            plan_id,
            item.facts.item_id,
            _status(fields.get("status", "")),
            percent=_percent(fields.get("percent", "")),
            note=fields.get("note", "").strip() or None,
            by=_by_unit(web, viewer, plan),
            at=_when(fields.get("day", ""), plan, now),
            occurrence_key=key,
            recorded_by=viewer.username,
        )
        record_progress(ask, web.defs, session=session, now=now)
    return RedirectResponse(history_url(plan_id, key), status_code=303)


@router.post("/board/{plan_id}/events/{event_id}/{action}")
async def correct_event(plan_id: str, event_id: int, action: str, request: Request) -> Response:
    """Correct (``action`` correct) or withdraw (``withdraw``) an event, with a reason."""
    if action not in ("correct", "withdraw"):
        raise NotFoundError(f"không có thao tác '{action}'; dùng correct hoặc withdraw")
    signed = await _signed_form(request)
    if isinstance(signed, Response):
        return signed
    web, viewer, fields = signed
    key, now = fields.get("key", ""), web.clock()
    with web.factory() as session, session.begin():
        plan, item = _item(web, viewer, plan_id, key, session)
        check_writer(viewer, item)
        event = current_event(event_id, key, session=session)
        check_corrector(viewer, item, event)
        withdraw = action == "withdraw"
        correction = Correction(
            event_id,
            fields.get("reason", ""),
            None if withdraw else _status(fields.get("status", "")),
            percent=None if withdraw else _percent(fields.get("percent", "")),
            note=fields.get("note", "").strip() or None,
            at=None if withdraw else _when(fields.get("day", ""), plan, now, event.effective_at),
        )
        supersede(
            correction,
            event,
            by_unit=_by_unit(web, viewer, plan),
            recorded_by=viewer.username,
            session=session,
            now=now,
        )
    return RedirectResponse(history_url(plan_id, key), status_code=303)


@router.post("/board/{plan_id}/comments")
async def comment(plan_id: str, request: Request) -> Response:
    """Add a comment to an item's thread."""
    signed = await _signed_form(request)
    if isinstance(signed, Response):
        return signed
    web, viewer, fields = signed
    key = fields.get("key", "")
    with web.factory() as session, session.begin():
        _, item = _item(web, viewer, plan_id, key, session)
        check_writer(viewer, item)
        add_comment(plan_id, key, viewer.username, fields.get("body", ""), session=session, now=web.clock())
    return RedirectResponse(history_url(plan_id, key) + "#binh-luan", status_code=303)
