"""All SQL lives under planflow/store/ (issue 17): no other module of the installed package
imports SQLAlchemy's statement builders or calls a session's query and write methods; they
call repository functions, and the caller that owns the unit of work commits.

Found by reading the source with ``ast``. A session is recognised by its name (a name or
attribute containing ``session``), by a parameter annotated ``Session``, or by a ``with …
as x`` whose ``x.begin()`` opens a transaction; the statement methods (``execute``,
``scalars``, ``scalar``, ``add_all``, ``begin_nested``, ``get_bind``) are refused on any
receiver but ``self``, and ``get``, ``query``, ``add``, ``delete`` and ``merge`` on a session."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("planflow", "flows", "tasks", "notifications")
INSIDE = ("planflow/store/", "planflow/migrations/")
# planflow/flows, planflow/tasks and planflow/notifications are symlinks to the top folders.
LINKS = ("planflow/flows/", "planflow/tasks/", "planflow/notifications/")

# What a module outside the store may import from SQLAlchemy: types for signatures, and
# the exceptions a repository function lets through.
ALLOWED_IMPORTS = {
    ("sqlalchemy", "Engine"),
    ("sqlalchemy.engine", "Engine"),
    ("sqlalchemy.orm", "Session"),
    ("sqlalchemy.orm", "sessionmaker"),
}
ALLOWED_MODULES = ("sqlalchemy.exc",)
# merge() is also a common model method (CheckPlansResult.merge): refused on sessions only.
STATEMENT_METHODS = {"execute", "scalars", "scalar", "add_all", "begin_nested", "get_bind"}
# flush() is left to whoever changed the rows it writes (a use case may change a row it read
# through a repository function); commit() and begin() belong to the unit of work's owner.
SESSION_METHODS = STATEMENT_METHODS | {"get", "query", "add", "delete", "merge"}

# Exceptions, each as (file, enclosing function or "*" for the whole file, what): none. The
# test fails on an entry that no longer matches anything, so the list cannot go stale.
ALLOWED: set[tuple[str, str, str]] = set()


def _sources() -> list[tuple[str, ast.Module]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith(INSIDE + LINKS) or "/.venv/" in rel:
                continue
            found.append((rel, ast.parse(path.read_text(encoding="utf-8"), rel)))
    return found


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


class _Finder(ast.NodeVisitor):
    """Collects (line, enclosing function, what) for each SQL use outside the store."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str, str]] = []
        self.function = "<module>"
        self.sessions: set[str] = set()

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if module.split(".")[0] == "sqlalchemy" and not module.startswith(ALLOWED_MODULES):
            for alias in node.names:
                if (module, alias.name) not in ALLOWED_IMPORTS:
                    self.found.append((node.lineno, self.function, f"from {module} import {alias.name}"))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] == "sqlalchemy":
                self.found.append((node.lineno, self.function, f"import {alias.name}"))

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer, known = self.function, set(self.sessions)
        self.function = node.name
        args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        self.sessions |= {
            a.arg for a in args if a.annotation is not None and "Session" in ast.unparse(a.annotation)
        }
        for item in ast.walk(node):  # `with factory() as s, s.begin():` names a session
            if isinstance(item, ast.With | ast.AsyncWith):
                bound = {_name(w.optional_vars) for w in item.items if w.optional_vars is not None}
                for w in item.items:
                    call = w.context_expr
                    if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                            and call.func.attr == "begin" and _name(call.func.value) in bound):  # fmt: skip
                        self.sessions.add(str(_name(call.func.value)))
        self.generic_visit(node)
        self.function, self.sessions = outer, known

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute):
            method, receiver = node.func.attr, _name(node.func.value)
            session_like = receiver is not None and (
                "session" in receiver.lower() or receiver in self.sessions
            )
            if receiver != "self" and (
                method in STATEMENT_METHODS or (method in SESSION_METHODS and session_like)
            ):
                self.found.append((node.lineno, self.function, f"{receiver}.{method}"))
        self.generic_visit(node)


def _uses() -> list[tuple[str, int, str, str]]:
    uses = []
    for rel, tree in _sources():
        finder = _Finder()
        finder.visit(tree)
        uses += [(rel, line, function, what) for line, function, what in finder.found]
    return uses


def _allowed(rel: str, function: str, what: str) -> tuple[str, str, str] | None:
    for entry in ((rel, function, what), (rel, "*", "*")):
        if entry in ALLOWED:
            return entry
    return None


def test_no_sql_outside_the_store() -> None:
    """Every SQL statement is written, built and run under planflow/store/; a use elsewhere
    is named by file and line."""
    outside = [f"{rel}:{line} ({function}): {what}" for rel, line, function, what in _uses()
               if _allowed(rel, function, what) is None]  # fmt: skip
    assert not outside, "SQL outside planflow/store/; move it into a repository function:\n" + "\n".join(
        outside
    )


def test_allow_list_is_current() -> None:
    """Each allow-list entry still matches a use: a stale one is removed, so the list only shrinks."""
    used = {_allowed(rel, function, what) for rel, _, function, what in _uses()}
    stale = sorted(ALLOWED - used)
    assert not stale, f"remove these entries from ALLOWED, nothing uses them any more: {stale}"


def test_the_finder_sees_sql() -> None:
    """The finder recognises each form it is meant to refuse (so a passing test means something)."""
    source = """
from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased
import sqlalchemy as sa

def typed(db: Session) -> None:
    db.get(Row, 1)

def named(factory) -> None:
    with factory() as s, s.begin():
        s.add(row)
    with factory() as other_session:
        other_session.delete(row)
    conn.execute(statement)

def not_sql(s: dict, view) -> None:
    s.get("key")
    view.query()
    self.scalar(node)
"""
    finder = _Finder()
    finder.visit(ast.parse(source))
    assert [(line, what) for line, _, what in finder.found] == [
        (2, "from sqlalchemy import select"),
        (2, "from sqlalchemy import update"),
        (3, "from sqlalchemy.orm import aliased"),
        (4, "import sqlalchemy"),
        (7, "db.get"),
        (11, "s.add"),
        (13, "other_session.delete"),
        (14, "conn.execute"),
    ]
