"""Every error planflow raises on purpose.

    PlanflowError
    ├── DefinitionError      a definition file is unreadable or invalid
    ├── TimeExpressionError  a time expression ("when") cannot be read
    │   └── MissingYearError a date has no year and no plan year is given
    ├── CompileError         a valid definition cannot become a task graph
    ├── StoreError           the database cannot be reached, migrated or queried
    ├── ProgressError        a progress record is refused
    ├── NotFoundError        a plan, task, unit or period named by the user does not exist
    ├── DocumentError        a document to import is unreadable, empty, scanned or not a plan
    ├── LinkError            a signed link or token is tampered with, expired or out of scope
    ├── AccountError         a board account cannot be added, found or changed as asked
    ├── AccessError          a signed-in account asks for a plan, item or action beyond its role
    ├── CorrectionError      a correction, withdrawal or comment is refused (no reason, a
    │                        superseded event, an empty comment)
    └── SheetError           a spreadsheet of units to import has wrong cells (each one named)

Each message says what is wrong, where, and what to do; the CLI prints it as is.
"""

from __future__ import annotations

from dataclasses import dataclass


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
