"""Stored rows. Occurrences and units are copies of the compiled definitions (replaced on
sync, archived never deleted); progress events are the only facts users add, append-only."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (no time zones) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware datetime")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class PlanRow(Base):
    __tablename__ = "plans"
    __table_args__ = (
        # what listing the live plans and the daily check's window read, without the rows
        # (each holds kilobytes of notice context): migration 0015_live_plans
        Index("ix_plans_live", "archived_at", "id", "timezone", "upcoming_days"),
    )

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    document_number: Mapped[str | None] = mapped_column(String(120))
    issuer: Mapped[str] = mapped_column(Text)
    units_directory: Mapped[str] = mapped_column(String(120))
    standing_unit: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    upcoming_days: Mapped[int] = mapped_column(Integer)
    definition_hash: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[dt.datetime]
    archived_at: Mapped[dt.datetime | None]
    notice_context: Mapped[dict[str, Any] | None] = mapped_column(
        doc="ladders, addressees and calendar of the plan (planflow.check.plans.notice_context)"
    )


class UnitRow(Base):
    __tablename__ = "units"

    directory_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    emails: Mapped[list[Any]]
    parent_id: Mapped[str | None] = mapped_column(String(120))


class OccurrenceRow(Base):
    __tablename__ = "occurrences"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    item_id: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    timing: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(String(60))
    section: Mapped[str | None] = mapped_column(Text)
    period: Mapped[str | None] = mapped_column(String(20))
    start: Mapped[dt.date | None] = mapped_column(Date)
    due: Mapped[dt.date | None] = mapped_column(Date, index=True)
    end: Mapped[dt.date | None] = mapped_column(Date)
    then_ongoing: Mapped[bool] = mapped_column(Boolean, default=False)
    tentative: Mapped[bool] = mapped_column(Boolean, default=False)
    when_text: Mapped[str | None] = mapped_column(Text)
    review: Mapped[str | None] = mapped_column(Text, doc="a doubt of the definition, shown with the item")
    targets: Mapped[list[Any]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(Integer, doc="order in the plan's dependency order")
    archived_at: Mapped[dt.datetime | None]


class OccurrenceUnitRow(Base):
    """Who owns (lead) or helps (support) an occurrence: one row per unit and role."""

    __tablename__ = "occurrence_units"

    occurrence_key: Mapped[str] = mapped_column(
        ForeignKey("occurrences.key", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(10), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(120), primary_key=True, index=True)


class DependencyRow(Base):
    __tablename__ = "dependencies"

    occurrence_key: Mapped[str] = mapped_column(
        ForeignKey("occurrences.key", ondelete="CASCADE"), primary_key=True
    )
    depends_on_key: Mapped[str] = mapped_column(
        ForeignKey("occurrences.key", ondelete="CASCADE"), primary_key=True, index=True
    )


class ProgressEventRow(Base):
    """One progress report: append-only; an occurrence's state is derived from these. A
    correction is a new event naming the one it ``supersedes``; a withdrawal is a new event
    of status ``withdrawn`` that supersedes and counts for nothing."""

    __tablename__ = "progress_events"
    __table_args__ = (Index("ix_progress_events_key_at", "occurrence_key", "effective_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    occurrence_key: Mapped[str] = mapped_column(ForeignKey("occurrences.key"))
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    percent: Mapped[int | None] = mapped_column(Integer)
    values: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    by_unit: Mapped[str | None] = mapped_column(String(120))
    recorded_by: Mapped[str | None] = mapped_column(
        String(120), doc="the board account that wrote it; None for a signed link or the command line"
    )
    effective_at: Mapped[dt.datetime] = mapped_column(doc="when it happened (--at)")
    recorded_at: Mapped[dt.datetime] = mapped_column(doc="when it was written down")
    supersedes: Mapped[int | None] = mapped_column(
        ForeignKey("progress_events.id"), unique=True,
        doc="the event this one corrects or withdraws (planflow.intake.corrections); each event at most once",
    )  # fmt: skip
    reason: Mapped[str | None] = mapped_column(Text, doc="why the superseded one was wrong")


class OccurrenceStateRow(Base):
    """Where one live occurrence stands now: its events folded (``planflow.status.fold_progress``),
    kept by the one function that writes progress (``planflow.store.repo.add_progress_event``)
    in the same transaction, and by every sync of its plan. The event log stays the source of
    truth: ``planflow rebuild-state`` recomputes these rows from it.

    ``next_notice`` is the first day the check must look at an open occurrence: the day its
    first ladder reminder (or coordination request) can fire, or the day it counts as upcoming
    if that comes first; None when it is done or has no due day. The check reads only the
    occurrences whose ``next_notice`` has come (``planflow.store.check``), and plans the notices
    only of those whose ``notice_on`` has come: an overdue item whose next ladder step is days
    away is counted and listed from these columns, its notices not planned again every day."""

    __tablename__ = "occurrence_states"
    __table_args__ = (
        Index("ix_occurrence_states_plan_id_status", "plan_id", "status"),
        Index("ix_occurrence_states_plan_id_next_notice", "plan_id", "next_notice"),
        # the plans with a row in the daily check's window (planflow.store.check, SQLite)
        Index("ix_occurrence_states_next_notice_plan_id", "next_notice", "plan_id"),
    )

    occurrence_key: Mapped[str] = mapped_column(
        ForeignKey("occurrences.key", ondelete="CASCADE"), primary_key=True
    )
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"))
    timing: Mapped[str] = mapped_column(String(10), doc="copied from the occurrence at sync")
    start: Mapped[dt.date | None] = mapped_column(Date, doc="copied from the occurrence at sync")
    due: Mapped[dt.date | None] = mapped_column(Date, doc="copied from the occurrence at sync")
    status: Mapped[str] = mapped_column(String(20), doc="not_started, in_progress or done")
    percent: Mapped[int | None] = mapped_column(Integer)
    done_at: Mapped[dt.datetime | None]
    events: Mapped[int] = mapped_column(Integer, doc="counted events (neither superseded nor withdrawals)")
    last_event_id: Mapped[int | None] = mapped_column(Integer, doc="the latest counted event")
    last_at: Mapped[dt.datetime | None] = mapped_column(
        index=True, doc="its effective time: the row is the fold at any as-of time from then on"
    )
    next_notice: Mapped[dt.date | None] = mapped_column(Date)
    notice_on: Mapped[dt.date | None] = mapped_column(
        Date,
        doc="the first day a notice of it not recorded yet can fire: its next_notice until a check "
        "records its notices, then the next day one of its ladder steps (or its coordination "
        "request) fires; None when done or when nothing is left to fire",
    )
    has_dependencies: Mapped[bool] = mapped_column(
        Boolean, server_default=false(), doc="whether it depends on another occurrence (set at sync)"
    )
    has_dependents: Mapped[bool] = mapped_column(
        Boolean,
        server_default=false(),
        doc="whether another occurrence depends on it (set at sync): the check looks the "
        "dependencies up only of the items that have some",
    )


class PlanStatusCountRow(Base):
    """How many live occurrences of a plan rest in each status: the one each has on every day
    its window has not come (``occurrence_states.next_notice`` after the day) and nothing
    blocks it: done on time or late, waiting for its event, in progress, ongoing from
    ``since`` (not started before), not started. Kept with the state rows
    (``planflow.store.states``), so the check counts every plan's statuses from a few rows
    per plan and corrects only the occurrences it reads (``planflow.store.check``)."""

    __tablename__ = "plan_status_counts"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    since: Mapped[dt.date] = mapped_column(
        Date, primary_key=True, doc="an ongoing item's start day (not started before it); else 0001-01-01"
    )
    n: Mapped[int] = mapped_column(Integer)


class NoticeRow(Base):
    """One notice that was due: (occurrence, due date, ladder step, recipient, role),
    recorded once, ever.

    The primary key is the idempotency key of the notice: a retry, a crash or two checks
    at once can never record (and so never send) it twice. The due date and the
    recipient's role are part of it, so an amended deadline or a new role re-arms the
    ladder while the earlier notices stay here as history.
    """

    __tablename__ = "notices"

    occurrence_key: Mapped[str] = mapped_column(ForeignKey("occurrences.key"), primary_key=True)
    due: Mapped[dt.date] = mapped_column(Date, primary_key=True, doc="the due date the notice is about")
    step: Mapped[str] = mapped_column(String(12), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(160), primary_key=True)
    role: Mapped[str] = mapped_column(String(12), primary_key=True, doc="lead, support, unit, head, signer")
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    fire_date: Mapped[dt.date] = mapped_column(Date)
    days_overdue: Mapped[int | None] = mapped_column(Integer)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"), index=True)
    state: Mapped[str] = mapped_column(
        String(12), default="queued", server_default="queued",
        doc="queued (its message is in the outbox) or skipped (a catch-up passed it over: never sent)",
    )  # fmt: skip
    created_at: Mapped[dt.datetime]


class OutboxRow(Base):
    """A message to deliver. Written with its notices in one transaction, then delivered.

    ``status``: ``pending`` (never tried), ``retry`` (some recipients wait for
    ``next_attempt_at``), ``sent`` (every recipient accepted it), ``partial`` (a To
    recipient got it, some others were refused for good) or ``dead`` (no To recipient got
    it and nothing is left to try: a permanent refusal, the retries ran out, no address);
    ``planflow outbox --retry`` sends the dead letters again. ``recipient_states`` holds
    each address's own state and last answer; every attempt is a ``DeliveryAttemptRow``."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    recipient: Mapped[str] = mapped_column(String(160))
    to_addrs: Mapped[list[Any]]
    cc_addrs: Mapped[list[Any]]
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    references: Mapped[list[Any]]
    status: Mapped[str] = mapped_column(String(20), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, doc="attempts since queued or re-armed")
    next_attempt_at: Mapped[dt.datetime | None]
    claimed_until: Mapped[dt.datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(200), doc="host:pid:start of the worker")
    recipient_states: Mapped[dict[str, Any] | None] = mapped_column(
        doc="address → {state: pending|retry|sent|failed, code, answer, at}"
    )
    last_error: Mapped[str | None] = mapped_column(Text)
    smtp_response: Mapped[str | None] = mapped_column(Text)
    transport: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None]
    report_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_versions.id"), doc="its files go with the message as attachments"
    )


class DeliveryAttemptRow(Base):
    """One delivery attempt of one message and the server's answers: to the message
    (code and text) and to each recipient it refused. Append-only."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), index=True)
    at: Mapped[dt.datetime]
    transport: Mapped[str] = mapped_column(String(20))
    recipients: Mapped[list[Any]] = mapped_column(doc="the addresses tried")
    code: Mapped[int | None] = mapped_column(Integer, doc="None: no answer (refused, timeout, dropped)")
    answer: Mapped[str] = mapped_column(Text)
    refused: Mapped[dict[str, Any]] = mapped_column(doc="address → [code, text] of each refusal")


class ReportVersionRow(Base):
    """One assembled version of one report occurrence. A rebuild whose content changed adds a
    version; the one sent to the recipients is marked final. (occurrence, version) is unique,
    so two assemblers at once cannot both write version N."""

    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("occurrence_key", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    occurrence_key: Mapped[str] = mapped_column(ForeignKey("occurrences.key"), index=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_digest: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[dt.datetime] = mapped_column(doc="the as-of instant it was built for")
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None]
    sent_by: Mapped[str | None] = mapped_column(String(120))


class ReportFileRow(Base):
    """A rendered file of a report version (Markdown, HTML, DOCX), kept in the database so
    every worker of a scaled-out set-up sees it."""

    __tablename__ = "report_files"

    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id"), primary_key=True)
    format: Mapped[str] = mapped_column(String(10), primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(120))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class WebSessionRow(Base):
    """A sign-in to the board. The cookie holds a random key; only its SHA-256 is stored, so
    a copy of the store signs nobody in. Logout revokes the row: a cookie copied before
    logout no longer opens the board."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True, doc="SHA-256 hex of the cookie value")
    user: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    revoked_at: Mapped[dt.datetime | None]


class AccountRow(Base):
    """A person's sign-in to the board, with a role over the plans of one unit directory
    (a commune's, or a province's for a reviewer). Disabled, never deleted: the events it
    wrote keep naming it."""

    __tablename__ = "accounts"

    username: Mapped[str] = mapped_column(String(120), primary_key=True, doc="casefolded login name")
    display_name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20), doc="officer, standing, leader or reviewer")
    directory_id: Mapped[str] = mapped_column(String(120), doc="the unit directory its plans use")
    unit_id: Mapped[str | None] = mapped_column(String(120), doc="an officer's unit in that directory")
    password_hash: Mapped[str] = mapped_column(Text, doc="Argon2id, with its parameters and salt")
    created_at: Mapped[dt.datetime]
    disabled_at: Mapped[dt.datetime | None]


class SavedViewRow(Base):
    """A named filter of the work list (its query string), kept for one account."""

    __tablename__ = "saved_views"
    __table_args__ = (UniqueConstraint("username", "plan_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(ForeignKey("accounts.username", ondelete="CASCADE"), index=True)
    plan_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(120))
    query: Mapped[str] = mapped_column(Text, doc="the work list's query string, without '?'")
    created_at: Mapped[dt.datetime]


class CommentRow(Base):
    """A comment on one occurrence, by a board account. Append-only."""

    __tablename__ = "item_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"))
    occurrence_key: Mapped[str] = mapped_column(ForeignKey("occurrences.key"), index=True)
    author: Mapped[str] = mapped_column(ForeignKey("accounts.username"))
    created_at: Mapped[dt.datetime]
    body: Mapped[str] = mapped_column(Text)
