"""Read definition files from disk, keeping the line and column of every value.

A definitions folder holds ``plans/<plan-id>.yaml`` and ``units/<directory-id>.yaml``.
Every problem found is reported as ``file:line:col: field: message`` and all of them
are collected before raising, so one run of ``planflow validate`` lists them all.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from planflow import hints, yamlfile
from planflow import vnformat as vn
from planflow.errors import DefinitionError, NotFoundError, Problem, YamlRefused
from planflow.schema import Plan, UnitDirectory

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)

_MESSAGES = {
    "missing": "thiếu trường bắt buộc",
    "extra_forbidden": "trường không được phép (viết sai tên?)",
    "date_from_datetime_parsing": "không phải ngày hợp lệ; ghi dạng 2025-10-08",
    "date_parsing": "không phải ngày hợp lệ; ghi dạng 2025-10-08",
    "date_type": "không phải ngày hợp lệ; ghi dạng 2025-10-08",
    "string_type": "phải là chuỗi văn bản",
    "list_type": "phải là một danh sách",
    "int_parsing": "phải là số nguyên",
    "decimal_parsing": "phải là một số",
    "too_short": "không được để trống",
    "enum": "giá trị không hợp lệ",
    "literal_error": "giá trị không hợp lệ",
    "union_tag_invalid": "dạng thời gian không hợp lệ",
    "model_type": "phải là một bảng khoá: giá trị",
    "dict_type": "phải là một bảng khoá: giá trị",
    "bool_parsing": "phải là true hoặc false",
    "finite_number": "phải là một số hữu hạn",
    "string_too_short": "không được để trống",
}

_BOUNDS = {
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "less_than": "phải nhỏ hơn {lt}",
    "greater_than": "phải lớn hơn {gt}",
}


@dataclass(frozen=True)
class SourceMap:
    """Where each value of a YAML file sits, by its path of keys and indexes.

    The positions are worked out from the text the first time a problem is located:
    a valid file (the usual case, thousands of them in a sync) never pays for them."""

    path: Path
    text: str = field(repr=False)

    @cached_property
    def marks(self) -> dict[Loc, tuple[int, int]]:
        return _marks(self.text)

    def locate(self, loc: Sequence[str | int]) -> tuple[int, int]:
        """Line and column (1-based) of the deepest existing prefix of ``loc``."""
        key = tuple(loc)
        while key not in self.marks and key:
            key = key[:-1]
        return self.marks.get(key, (1, 1))

    def problem(self, loc: Sequence[str | int], message: str) -> Problem:
        line, column = self.locate(loc)
        return self.problem_at(line, column, loc, message)

    def problem_at(self, line: int, column: int, loc: Sequence[str | int], message: str) -> Problem:
        where = _dotted(loc)
        return Problem(str(self.path), line, column, f"{where}: {message}" if where else message)


@dataclass
class LoadedPlan:
    plan: Plan
    source: SourceMap


class PlanFiles(Mapping[str, LoadedPlan]):
    """The plans of a definitions folder by id (a plan's id is its file's name), each file
    read and validated the first time it is asked for. A sync of thousands of plans, most
    of them unchanged since the last one, reads only the files whose bytes changed."""

    def __init__(self) -> None:
        self.paths: dict[str, Path] = {}
        self._loaded: dict[str, LoadedPlan] = {}

    def __getitem__(self, plan_id: str) -> LoadedPlan:
        loaded = self._loaded.get(plan_id)
        if loaded is None:
            loaded = self._loaded[plan_id] = load_plan_file(self.paths[plan_id])
        return loaded

    def __setitem__(self, plan_id: str, loaded: LoadedPlan) -> None:
        self.paths[plan_id] = loaded.source.path
        self._loaded[plan_id] = loaded

    def __contains__(self, plan_id: object) -> bool:
        return plan_id in self.paths  # without reading the file

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def read(self, plan_id: str) -> LoadedPlan:
        """The plan, read now if it was not yet and not kept (a sync's memory stays
        bounded by one plan, not by the folder)."""
        return self._loaded.get(plan_id) or load_plan_file(self.paths[plan_id])

    def source_bytes(self, plan_id: str) -> bytes:
        loaded = self._loaded.get(plan_id)
        return loaded.source.text.encode() if loaded else self.paths[plan_id].read_bytes()


@dataclass
class Definitions:
    """Every plan and unit directory of a definitions folder."""

    root: Path
    plans: PlanFiles = field(default_factory=PlanFiles)
    directories: dict[str, UnitDirectory] = field(default_factory=dict)
    directory_sources: dict[str, SourceMap] = field(default_factory=dict)
    strict: bool = False  # sync only plans ready to go live (planflow.sync.readiness)
    _digests: dict[str, str] = field(default_factory=dict, repr=False)

    def source_digest(self, plan_id: str, directory_id: str, text: str | None = None) -> str:
        """A digest of everything a plan's stored rows are made from: its file (``text``,
        when it was just read), the unit directory it names, and the code and calendar that
        compile them. Equal to the stored one, the plan's rows are already what a sync would
        write."""
        digest = hashlib.sha256(self._directory_digest(directory_id).encode())
        digest.update(self.plans.source_bytes(plan_id) if text is None else text.encode())
        return digest.hexdigest()

    def _directory_digest(self, directory_id: str) -> str:
        known = self._digests.get(directory_id)
        if known is None:
            source = self.directory_sources.get(directory_id)
            text = source.text.encode() if source else b"(none)"
            known = self._digests[directory_id] = hashlib.sha256(code_digest().encode() + text).hexdigest()
        return known

    def plan(self, plan_id: str) -> Plan:
        if plan_id not in self.plans:
            known = ", ".join(sorted(self.plans)) or "(không có)"
            raise NotFoundError(
                f"không có kế hoạch '{plan_id}' trong {self.root}/plans; các kế hoạch: {known}"
            )
        return self.plans[plan_id].plan

    def directory_for(self, plan: Plan) -> UnitDirectory:
        if plan.units not in self.directories:
            raise NotFoundError(
                f"kế hoạch '{plan.id}' dùng danh mục đơn vị '{plan.units}', không có file "
                f"{self.root}/units/{plan.units}.yaml"
            )
        return self.directories[plan.units]


def _dotted(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_yaml(path: Path) -> tuple[Any, SourceMap]:
    """Parse one YAML file into plain data and its source map; every refusal is one
    located problem (``planflow.yamlfile`` says what is refused and why)."""
    try:
        size = path.stat().st_size
        if size > yamlfile.MAX_BYTES:
            megabytes = vn.fixed(size / 1e6, 1)
            raise DefinitionError([Problem(str(path), 1, 1, f"file quá lớn ({megabytes} MB, tối đa 10 MB); "
                                           "đây không phải một file định nghĩa")])  # fmt: skip
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DefinitionError(
            [Problem(str(path), 1, 1, f"file không phải UTF-8 (byte {exc.start}); lưu lại dạng UTF-8")]
        ) from None
    except OSError as exc:
        raise DefinitionError([Problem(str(path), 1, 1, f"không đọc được file: {exc.strerror}")]) from None
    source = SourceMap(path, text)
    try:
        data = yamlfile.fast_load(text)
    except (yaml.YAMLError, YamlRefused, ValueError):
        data = None  # the pure-Python parser below words the error and locates it
    return (data if data is not None else _read_slowly(source)), source


def _read_slowly(source: SourceMap) -> Any:
    """The data by the pure-Python parser, or the file's first problem, located: a file
    libyaml refused (or read, and the limits refused), or any file without libyaml."""
    path, text = str(source.path), source.text
    # libyaml refuses raw control characters, so only such a file needs looking at,
    # character by character.
    control = yamlfile.first_control(text)
    if control is not None:
        line, column, char = control
        loc = yamlfile.field_at(text, line, column, _marks)
        raise DefinitionError([source.problem_at(line, column, loc, yamlfile.control_message(char))])
    try:
        node = yamlfile.compose(text)
        if node is None:
            raise DefinitionError([Problem(path, 1, 1, "file trống")])
        return yamlfile.slow_load(node, {})
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise DefinitionError(
            [Problem(path, line, column, f"lỗi cú pháp YAML: {_yaml_problem(exc)}")]
        ) from None
    except yaml.YAMLError as exc:
        raise DefinitionError([Problem(path, 1, 1, f"lỗi cú pháp YAML: {exc}")]) from None
    except YamlRefused as exc:
        raise DefinitionError([source.problem_at(exc.line, exc.column, exc.loc or (), str(exc))]) from None


_YAML_PROBLEMS = {
    "maximum nesting depth": "cấu trúc lồng quá sâu; viết phẳng lại",
    "found undefined alias": "bí danh (*tên) chưa được đặt ở đâu (&tên); sửa tên bí danh",
    "cannot start any token": "có ký tự không đứng đầu giá trị được (thụt lề bằng dấu cách, không dùng tab)",
    "found another document": "file chỉ được có một tài liệu YAML; bỏ dòng '---' ở giữa",
}


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    """The commonest of PyYAML's problems in Vietnamese, the others in its own words."""
    problem = str(exc.problem or exc)
    for words, vietnamese in _YAML_PROBLEMS.items():
        if words in problem:
            return vietnamese
    return problem


def _marks(text: str) -> dict[Loc, tuple[int, int]]:
    marks: dict[Loc, tuple[int, int]] = {}
    node = yamlfile.compose(text)
    if node is not None:
        yamlfile.slow_load(node, marks)
    return marks


def _validate(model: type[M], data: Any, source: SourceMap, context: dict[str, Any]) -> M:
    if not isinstance(data, dict):
        raise DefinitionError([source.problem((), "file phải là một bảng khoá: giá trị")])
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        problems = []
        errors = exc.errors(include_url=False)
        inner = {error["loc"][:-1] for error in errors}
        for error in errors:
            if error["type"] == "too_short" and error["loc"] in inner:
                continue  # a list emptied by its own items' errors: those say what is wrong
            loc = _without_union_tags(error["loc"])
            message = _MESSAGES.get(error["type"], error["msg"])
            if error["type"] == "value_error":
                message = str(error["ctx"].get("error", error["msg"]))
            elif error["type"] in _BOUNDS:
                message = _BOUNDS[error["type"]].format(**error["ctx"])
            elif error["type"] == "string_too_long":
                message = f"dài quá {error['ctx']['max_length']} ký tự; rút ngắn lại"
            elif error["type"] == "extra_forbidden":
                meant = hints.did_you_mean(
                    str(loc[-1]), hints.allowed_keys(model, loc[:-1]), hints.KEY_SYNONYMS
                )
                message = f"'{loc[-1]}' {message}{hints.hint(meant)}"
            elif error["type"] in ("enum", "literal_error"):
                message = _choice_message(model, loc, error["input"])
            problems.append(source.problem(loc, message))
        raise DefinitionError(problems) from None


def _choice_message(model: type[BaseModel], loc: Loc, value: Any) -> str:
    """A value outside an enumeration: the value meant, or the values allowed."""
    choices = hints.enum_values(model, loc)
    if not isinstance(value, str) or not choices:
        return _MESSAGES["enum"]
    meant = hints.did_you_mean(value, choices, hints.VALUE_SYNONYMS)
    if meant:
        return f"giá trị '{value}' không hợp lệ{hints.hint(meant)}"
    return f"giá trị '{value}' không hợp lệ; dùng một trong: {', '.join(choices)}"


_UNION_TAGS = {"day", "window", "deadline", "month", "quarter", "recurring", "ongoing", "event"}


def _without_union_tags(loc: Sequence[str | int]) -> Loc:
    """The path as written in the file: without the tag pydantic adds after ``when``
    for the form it tried (a task's own key named ``deadline`` stays)."""
    return tuple(p for i, p in enumerate(loc) if not (p in _UNION_TAGS and i and loc[i - 1] == "when"))


def _plan_year(data: Any) -> int | None:
    try:
        start = data["period"]["start"]
    except (KeyError, TypeError):
        return None
    return start.year if isinstance(start, dt.date) else None


def load_plan_file(path: Path) -> LoadedPlan:
    data, source = read_yaml(path)
    plan = _validate(Plan, data, source, {"year": _plan_year(data)})
    if plan.id != path.stem:
        raise DefinitionError([source.problem(("id",), f"id '{plan.id}' phải trùng tên file '{path.stem}'")])
    return LoadedPlan(plan, source)


def load_directory_file(path: Path) -> tuple[UnitDirectory, SourceMap]:
    data, source = read_yaml(path)
    directory = _validate(UnitDirectory, data, source, {})
    if directory.id != path.stem:
        raise DefinitionError(
            [source.problem(("id",), f"id '{directory.id}' phải trùng tên file '{path.stem}'")]
        )
    return directory, source


def _yaml_files(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        yield from sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))


def load_definitions(root: Path, collect: list[Problem] | None = None, strict: bool = False) -> Definitions:
    """Every file under ``root``. With ``collect``, every file is read now, bad files are
    skipped and their problems appended to it. Without, unit directories are read now
    (the first bad one raises DefinitionError) and plans when asked for (a bad plan file
    raises then). ``strict``: a sync takes only plans ready to go live."""
    if not root.is_dir():
        raise NotFoundError(
            f"không có thư mục định nghĩa '{root}'; đặt PLANFLOW_DEFINITIONS hoặc --definitions"
        )
    defs = Definitions(root, strict=strict)
    for path in _yaml_files(root / "units"):
        try:
            directory, source = load_directory_file(path)
        except DefinitionError as exc:
            _collect_or_raise(exc, collect)
            continue
        defs.directories[directory.id] = directory
        defs.directory_sources[directory.id] = source
    for path in _yaml_files(root / "plans"):
        if collect is None:
            defs.plans.paths[path.stem] = path  # read when asked for (PlanFiles)
            continue
        try:
            loaded = load_plan_file(path)
        except DefinitionError as exc:
            _collect_or_raise(exc, collect)
            continue
        defs.plans[loaded.plan.id] = loaded
    return defs


@functools.cache
def code_digest() -> str:
    """A digest of planflow's own source and the versions of the libraries that shape a
    compiled plan (the holiday calendar, the validation): a new release re-syncs every
    plan once."""
    libraries = " ".join(f"{name} {metadata.version(name)}" for name in ("holidays", "pydantic"))
    digest = hashlib.sha256(libraries.encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _collect_or_raise(exc: DefinitionError, collect: list[Problem] | None) -> None:
    if collect is None:
        raise exc
    collect.extend(exc.problems)


def definitions_root(paths: Iterable[Path]) -> Path | None:
    """The definitions folder that holds these files (the parent of plans/ or units/)."""
    for path in paths:
        resolved = path.resolve()
        for parent in [resolved, *resolved.parents]:
            if parent.name in ("plans", "units"):
                return parent.parent
            if (parent / "plans").is_dir() or (parent / "units").is_dir():
                return parent
    return None
