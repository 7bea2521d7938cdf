"""Every error planflow raises on purpose.

    PlanflowError
    ├── DefinitionError      a definition file is unreadable or invalid
    ├── YamlRefused          a value of a YAML file is refused while it is read (the loader
    │                        turns it into one DefinitionError problem)
    ├── TimeExpressionError  a time expression ("when") cannot be read
    │   └── MissingYearError a date has no year and no plan year is given
    ├── CompileError         a valid definition cannot become a task graph
    ├── StoreError           the database cannot be reached, migrated or queried
    ├── ProgressError        a progress record is refused
    │   └── EvidenceError    an uploaded evidence file is refused (type, content, size)
    ├── NotFoundError        a plan, task, unit or period named by the user does not exist
    ├── DocumentError        a document to import is unreadable, empty, scanned or not a plan
    ├── LinkError            a signed link or token is tampered with, expired or out of scope
    ├── AccountError         a board account cannot be added, found or changed as asked
    ├── AccessError          a signed-in account asks for a plan, item or action beyond its role
    ├── CorrectionError      a correction, withdrawal or comment is refused (no reason, a
    │                        superseded event, an empty comment)
    ├── SheetError           a spreadsheet of units to import has wrong cells (each one named)
    ├── ViewError            a work-list address carries a value it cannot use
    ├── MailConfigError      the mail settings are half-configured or unreadable
    ├── WebConfigError       the web settings are unsafe or unreadable
    └── FanOutError          chunks of a fanned-out flow did not complete

    BodyTooLarge             (not a PlanflowError) a request body passes the upload limit
                             while it is read; the web app answers 413

Each message says what is wrong, where, and what to do; the CLI prints it as is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import yaml


class PlanflowError(Exception):
    """Root of planflow's own errors; the CLI turns any of them into a message and exit code."""


@dataclass(frozen=True)
class Problem:
    """One located problem in a definition file."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class DefinitionError(PlanflowError):
    """Raised when a definition file cannot be read or does not validate.

    Carries every problem found, each with file, line and column, so a user fixes
    them all in one pass.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def __reduce__(self) -> tuple[type[DefinitionError], tuple[list[Problem]]]:
        return DefinitionError, (self.problems,)  # raised in a worker process, re-raised here


class TimeExpressionError(PlanflowError, ValueError):
    """Raised when a time expression ("when") is not understood or names an impossible date.

    It is a ValueError so pydantic reports it against the field that holds the text.
    """


class MissingYearError(TimeExpressionError):
    """Raised when a date is written without its year and no plan year is given: the
    importer then knows the year would come from the plan, not from the words."""


class CompileError(PlanflowError):
    """Raised when a plan validates but cannot be compiled: a dependency cycle, an unknown
    task or unit, a due date outside the plan period."""


class StoreError(PlanflowError):
    """Raised when the database cannot be opened, migrated or written."""


class ProgressError(PlanflowError):
    """Raised when a progress record is refused (unknown status, percent out of range,
    a unit that does not own the occurrence)."""


class NotFoundError(PlanflowError):
    """Raised when a plan, task, unit or period named on the command line does not exist."""


class DocumentError(PlanflowError):
    """Raised when ``planflow import`` cannot use a document: the file is missing or
    unreadable, empty, a scanned PDF without a text layer, or not a plan (Kế hoạch)."""


class LinkError(PlanflowError):
    """Raised when a signed link, calendar feed, session or form token is tampered with,
    has expired, or is used for something it does not cover (another unit's task).

    ``expired`` tells the web app which page to show: a new link helps an expired one,
    nothing helps a forged one.
    """

    def __init__(self, message: str, *, expired: bool = False) -> None:
        self.expired = expired
        super().__init__(message)


class AccountError(PlanflowError):
    """Raised when a board account is asked for with a bad role, an unknown directory or unit,
    a short password, or a name that exists already (add) or not at all (disable, reset)."""


class AccessError(PlanflowError):
    """Raised when a signed-in board account asks for a plan, an item or an action its role
    does not reach (another commune's plan, another unit's item, a write by a read-only role)."""


class CorrectionError(PlanflowError):
    """Raised when a progress event cannot be corrected or withdrawn as asked (no reason, an
    event already superseded or itself a withdrawal, an event of another item) or a comment
    is empty or too long."""


class SheetError(PlanflowError):
    """Raised when ``planflow units import`` refuses a spreadsheet: carries every problem,
    each starting with its cell (``Đơn vị!E7``), so all are fixed in one pass; nothing
    has been written."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} lỗi, chưa ghi file nào; sửa rồi chạy lại:\n{lines}")


class YamlRefused(PlanflowError):
    """Raised when a value of a YAML file is refused while it is read (an alias bomb, a
    control character, a key written twice, a date that does not exist); ``line``,
    ``column`` and ``loc`` (its path of keys when known) let the loader report it as one
    located DefinitionError problem."""

    def __init__(
        self, mark: yaml.Mark | None, message: str, loc: tuple[str | int, ...] | None = None
    ) -> None:
        self.line, self.column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        self.loc = loc
        super().__init__(message)


class EvidenceError(ProgressError):
    """Raised when an uploaded evidence file is refused (type, content, size) or a stored
    one is asked for by a name we did not generate."""


class ViewError(PlanflowError):
    """Raised when a work-list address carries a value it cannot use (an unknown status,
    grouping or sort, a number of days that is not a whole number from 0 to 3660)."""


class MailConfigError(PlanflowError):
    """Raised when the mail settings are half-configured or unreadable (PLANFLOW_SMTP_URL
    without PLANFLOW_MAIL_FROM, a port that is not a number, a bad sender address)."""


class WebConfigError(PlanflowError):
    """Raised when the web settings are unsafe or unreadable (no secret on a public
    address, a short secret or password, a public URL that is not http(s))."""


class FanOutError(PlanflowError):
    """Raised when some chunks of a fanned-out flow did not complete after every attempt,
    the wait timed out, or a completed chunk published no result."""


class BodyTooLarge(Exception):
    """Raised from a request's ``receive`` when its body goes past the upload limit while it
    is read. Not a PlanflowError on purpose: the app's PlanflowError handler would turn it
    into a 400 page, while the body-limit middleware and the form reader answer 413."""
