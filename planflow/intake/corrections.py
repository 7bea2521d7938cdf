"""Corrections with an audit trail: progress is never edited in place.

A *correction* is a new event that ``supersedes`` the wrong one and says what is true
(status, percent, when, note), with a required reason; the measured values and evidence
file of the wrong event go with it, since a correction fixes what was reported about them.
A *withdrawal* is a new event of status ``withdrawn`` that supersedes the wrong one and
counts for nothing. Only the current event of a chain can be superseded (the unique
``supersedes`` column also stops two people superseding the same event at once), and the
status fold leaves out every superseded and withdrawal event
(``planflow.store.repo.counted_events`` and ``planflow.store.statuses``).

Who may: the standing unit on every item of its plans; a unit officer on the items its unit
leads or supports, and it corrects only the events its own unit recorded. Leaders and
reviewers read. Every write names the account that made it (``recorded_by``, ``author``).

The history of an item puts together its events (who, when, what, superseded by which,
why), the notices sent about it, and its comments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from planflow.accounts import Role, Viewer
from planflow.errors import AccessError, CorrectionError
from planflow.status import WITHDRAWN, OccurrenceStatus, ProgressStatus
from planflow.store import history as store
from planflow.store import repo
from planflow.store.models import CommentRow, NoticeRow, OutboxRow, ProgressEventRow

MAX_REASON = 2000
MAX_COMMENT = 4000


def check_writer(viewer: Viewer, item: OccurrenceStatus) -> None:
    """Refuse a write by a read-only role, by the shared login, or on another unit's item."""
    if not viewer.can_write:
        raise AccessError(f"vai trò {viewer.role.label} chỉ được xem, không được ghi hay sửa tiến độ")
    if not viewer.account:
        raise AccessError("đăng nhập chung không ghi được; hãy dùng tài khoản riêng (planflow user add)")
    if not viewer.sees_item(item):
        raise AccessError(
            f"'{item.key}' không do đơn vị của tài khoản {viewer.username} chủ trì hay phối hợp"
        )


def corrects(viewer: Viewer, event: ProgressEventRow) -> bool:
    """An officer corrects only what its own unit recorded; the standing unit any event."""
    return viewer.role is not Role.OFFICER or event.by_unit == viewer.unit_id


def check_corrector(viewer: Viewer, item: OccurrenceStatus, event: ProgressEventRow) -> None:
    """As ``check_writer``; an officer also corrects only what its own unit recorded."""
    check_writer(viewer, item)
    if not corrects(viewer, event):
        raise AccessError(
            f"lần ghi #{event.id} do đơn vị khác ghi; chỉ cơ quan thường trực sửa được lần ghi đó"
        )


def clean_reason(reason: str) -> str:
    text = " ".join(reason.split())
    if not text:
        raise CorrectionError("chưa ghi lý do: mỗi lần sửa hay rút lại một lần ghi tiến độ cần lý do")
    if len(text) > MAX_REASON:
        raise CorrectionError(f"lý do dài {len(text)} ký tự; ghi tối đa {MAX_REASON} ký tự")
    return text


def current_event(event_id: int, occurrence_key: str, *, session: Session) -> ProgressEventRow:
    """The event, if it belongs to the item and is still the current one of its chain."""
    event = store.progress_event(event_id, session=session)
    if event is None or event.occurrence_key != occurrence_key:
        raise CorrectionError(f"lần ghi #{event_id} không thuộc '{occurrence_key}'; tải lại trang lịch sử")
    if event.status == WITHDRAWN:
        raise CorrectionError(f"lần ghi #{event_id} là một lần rút lại; không sửa được, hãy ghi tiến độ mới")
    later = store.superseded_by(event_id, session=session)
    if later is not None:
        raise CorrectionError(
            f"lần ghi #{event_id} đã được thay bằng lần ghi #{later}; hãy sửa lần ghi #{later} nếu cần"
        )
    return event


@dataclass(frozen=True)
class Correction:
    """What is true instead of the event it replaces; ``status`` None withdraws it."""

    event_id: int
    reason: str
    status: ProgressStatus | None
    percent: int | None = None
    note: str | None = None
    at: dt.datetime | None = None  # None: when the replaced event said it happened


def supersede(
    correction: Correction,
    event: ProgressEventRow,
    *,
    by_unit: str | None,
    recorded_by: str,
    session: Session,
    now: dt.datetime,
) -> ProgressEventRow:
    """Append the event that corrects or withdraws ``event`` (checked by ``current_event``)."""
    reason = clean_reason(correction.reason)
    if correction.percent is not None and not 0 <= correction.percent <= 100:
        raise CorrectionError(f"phần trăm {correction.percent} phải từ 0 đến 100")
    withdraw, event_id = correction.status is None, event.id  # read now: a failed flush expires the row
    try:
        return repo.add_progress_event(
            session=session,
            occurrence_key=event.occurrence_key,
            plan_id=event.plan_id,
            status=WITHDRAWN if correction.status is None else correction.status.value,
            effective_at=correction.at or event.effective_at,
            recorded_at=now,
            percent=None if withdraw else correction.percent,
            values=None if withdraw else {k: Decimal(v) for k, v in event.values.items()},
            note=None if withdraw else correction.note,
            evidence=None if withdraw else event.evidence,
            by_unit=by_unit,
            recorded_by=recorded_by,
            supersedes=event_id,
            reason=reason,
        )
    except IntegrityError:
        raise CorrectionError(
            f"lần ghi #{event_id} vừa được người khác sửa hay rút lại; tải lại trang lịch sử"
        ) from None


def add_comment(
    plan_id: str, occurrence_key: str, author: str, body: str, *, session: Session, now: dt.datetime
) -> CommentRow:
    text = body.strip()
    if not text:
        raise CorrectionError("bình luận trống; hãy ghi nội dung rồi gửi lại")
    if len(text) > MAX_COMMENT:
        raise CorrectionError(f"bình luận dài {len(text)} ký tự; ghi tối đa {MAX_COMMENT} ký tự")
    row = CommentRow(plan_id=plan_id, occurrence_key=occurrence_key, author=author, created_at=now, body=text)
    return store.add_comment(row, session=session)


@dataclass(frozen=True)
class History:
    """Everything recorded about one item, oldest first."""

    events: list[ProgressEventRow]
    superseded_by: dict[int, int]  # event id → id of the event that replaced it
    notices: Sequence[tuple[NoticeRow, OutboxRow | None]]
    comments: list[CommentRow]

    def current(self, event: ProgressEventRow) -> bool:
        return event.id not in self.superseded_by and event.status != WITHDRAWN


def history(occurrence_key: str, *, session: Session) -> History:
    events = store.item_events(occurrence_key, session=session)
    replaced = {e.supersedes: e.id for e in events if e.supersedes is not None}
    notices = store.item_notices(occurrence_key, session=session)
    comments = store.item_comments(occurrence_key, session=session)
    return History(events, replaced, notices, comments)
