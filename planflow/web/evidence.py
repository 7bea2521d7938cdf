"""Evidence files uploaded with progress: checked, stored outside anything served, referenced
from the progress event.

- Only office documents and pictures are taken (PDF, JPEG, PNG, DOCX, XLSX), and the
  content must match the extension (a renamed program is refused).
- The stored name is generated (``<32 hex>.<ext>``): the uploaded file name never becomes
  a path, so ``../../etc/passwd`` cannot travel anywhere. The original name, cleaned, is
  kept in a sidecar ``.json`` for display and download.
- The event's ``evidence`` field holds ``evidence/<plan>/<name>``, relative to PLANFLOW_HOME.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from planflow import vnformat as vn
from planflow.errors import EvidenceError

_ZIP = b"PK\x03\x04"
# extension → (content type, magic prefix, member a zip container must hold)
KINDS: dict[str, tuple[str, bytes, str | None]] = {
    "pdf": ("application/pdf", b"%PDF-", None),
    "jpg": ("image/jpeg", b"\xff\xd8\xff", None),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n", None),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP, "word/"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP, "xl/"),
}
ALIASES = {"jpeg": "jpg"}
STORED = re.compile(r"^[0-9a-f]{32}\.(pdf|jpg|png|docx|xlsx)$")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


@dataclass(frozen=True)
class Evidence:
    ref: str
    name: str
    size: int
    content_type: str


def clean_name(filename: str) -> str:
    """A display name from whatever the browser sent: its last path part, no control or
    path characters, NFC, at most 120 characters."""
    last = re.split(r"[/\\]", filename or "")[-1]
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", last)).strip(" ._")
    return name[-120:] or "minh-chung"


def _kind(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    ext = ALIASES.get(ext, ext)
    if ext not in KINDS:
        allowed = ", ".join(f".{k}" for k in KINDS)
        raise EvidenceError(f"tệp '{name}' không được nhận: chỉ nhận {allowed}")
    return ext


def _content_matches(ext: str, data: bytes) -> bool:
    _, magic, member = KINDS[ext]
    if not data.startswith(magic):
        return False
    if member is None:
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(n.startswith(member) for n in archive.namelist())
    except zipfile.BadZipFile:
        return False


def store_evidence(
    root: Path, plan_id: str, filename: str, data: bytes, *, max_bytes: int, by_unit: str, now: dt.datetime
) -> Evidence:
    """Check and store one upload under ``root/<plan>/``; EvidenceError when refused."""
    name = clean_name(filename)
    ext = _kind(name)
    if not data:
        raise EvidenceError(f"tệp '{name}' trống")
    if len(data) > max_bytes:
        raise EvidenceError(
            f"tệp '{name}' quá lớn ({vn.fixed(len(data) / 1048576, 1)} MB; tối đa {max_bytes // 1048576} MB)"
        )
    if not _content_matches(ext, data):
        raise EvidenceError(f"nội dung tệp '{name}' không phải .{ext} thật; chọn đúng tệp")
    folder = root / plan_id
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{uuid.uuid4().hex}.{ext}"
    (folder / stored).write_bytes(data)
    content_type = KINDS[ext][0]
    meta = {"name": name, "size": len(data), "type": content_type, "by": by_unit, "at": now.isoformat()}
    (folder / f"{stored}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return Evidence(f"evidence/{plan_id}/{stored}", name, len(data), content_type)


def discard(home: Path, evidence: Evidence) -> None:
    """Remove a stored upload whose progress event was not written after all."""
    path = home / evidence.ref
    for leftover in (path, path.with_name(path.name + ".json")):
        leftover.unlink(missing_ok=True)


def locate(root: Path, plan_id: str, stored: str) -> tuple[Path, str]:
    """The file of a stored evidence name and its original name; NotFound-like
    EvidenceError for anything that is not exactly a name we generated."""
    path = root / plan_id / stored
    if not STORED.match(stored) or not path.is_file():
        raise EvidenceError("không có tệp minh chứng này")
    try:
        meta = json.loads((root / plan_id / f"{stored}.json").read_text(encoding="utf-8"))
        name = str(meta["name"])
    except (OSError, ValueError, KeyError):
        name = stored
    return path, name
