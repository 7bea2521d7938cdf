"""Mail settings from the environment.

- ``PLANFLOW_SMTP_URL``: ``smtp://user:pass@host:587?starttls=true`` (STARTTLS),
  ``smtps://user:pass@host:465`` (implicit TLS) or ``smtp://host:25`` (plain). Optional
  query keys: ``timeout`` (seconds, default 30), ``concurrency`` (connections, default 4),
  ``cafile`` (a CA bundle to trust, for a server with a private certificate).
- ``PLANFLOW_MAIL_FROM``: the sender, e.g. ``planflow <planflow@loctan.gov.vn>``.
- ``PLANFLOW_MAIL_SUBJECT_PREFIX``: what every subject starts with, so recipients can
  sort the messages (default ``[planflow]``; e.g. ``[VP UBND xã Lộc Tấn]``; empty: none).

With no SMTP URL, mail is written as .eml files to ``$PLANFLOW_HOME/outbox``: the
embedded default works with zero setup. The password is never printed: the config's
``repr`` and ``describe()`` hide it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from planflow.errors import MailConfigError
from planflow.web.config import LinkMaker

DEFAULT_FROM = "planflow <planflow@localhost>"
DEFAULT_PREFIX = "[planflow]"


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # "starttls", "ssl" or "plain"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    concurrency: int = 4
    cafile: str | None = None

    def describe(self) -> str:
        user = f"{self.username}:***@" if self.username else ""
        return f"smtp {self.security} {user}{self.host}:{self.port}"


@dataclass(frozen=True)
class MailConfig:
    sender: Address
    smtp: SmtpConfig | None
    eml_folder: Path
    links: LinkMaker | None = field(default=None, repr=False)  # signed web links in messages
    subject_prefix: str = DEFAULT_PREFIX
    send_examples: bool = False  # example plans ('example: true') are checked but send nothing

    def describe(self) -> str:
        return self.smtp.describe() if self.smtp else f"thư mục {self.eml_folder} (.eml)"


def parse_smtp_url(url: str) -> SmtpConfig:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailConfigError(
            "PLANFLOW_SMTP_URL không hợp lệ: dùng smtp://user:pass@host:587?starttls=true "
            "hoặc smtps://user:pass@host:465"
        )
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    ssl = parts.scheme == "smtps"
    starttls = query.get("starttls", "").lower() in ("1", "true", "yes")
    if ssl and starttls:
        raise MailConfigError("PLANFLOW_SMTP_URL: smtps:// đã là TLS, bỏ starttls=true")
    try:
        port = parts.port or (465 if ssl else 587 if starttls else 25)
        timeout = float(query.get("timeout", "30"))
        concurrency = int(query.get("concurrency", "4"))
    except ValueError:
        raise MailConfigError("PLANFLOW_SMTP_URL: port, timeout hoặc concurrency không phải số") from None
    if not 1 <= concurrency <= 32:
        raise MailConfigError("PLANFLOW_SMTP_URL: concurrency phải từ 1 đến 32")
    return SmtpConfig(
        host=parts.hostname,
        port=port,
        security="ssl" if ssl else "starttls" if starttls else "plain",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        timeout=timeout,
        concurrency=concurrency,
        cafile=query.get("cafile"),
    )


def parse_sender(value: str) -> Address:
    name, addr = parseaddr(value)
    if "@" not in addr or any(c in value for c in "\r\n"):
        raise MailConfigError(f"PLANFLOW_MAIL_FROM '{value}' không phải địa chỉ e-mail hợp lệ")
    user, domain = addr.rsplit("@", 1)
    return Address(display_name=name, username=user, domain=domain)


def parse_prefix(value: str) -> str:
    """The subject prefix as given, trimmed; one line of at most 40 characters."""
    prefix = value.strip()
    if any(c in prefix for c in "\r\n") or len(prefix) > 40:
        raise MailConfigError(
            f"PLANFLOW_MAIL_SUBJECT_PREFIX '{prefix[:60]}' không hợp lệ: một dòng, tối đa 40 ký tự, "
            "vd. [VP UBND xã Lộc Tấn]"
        )
    return prefix


def load_mail_config(
    home: Path, smtp_url: str | None, mail_from: str | None, subject_prefix: str | None = None
) -> MailConfig:
    """Refuses SMTP without a sender: a half-configured server is an error, not a guess."""
    if smtp_url and not mail_from:
        raise MailConfigError("đã đặt PLANFLOW_SMTP_URL nhưng thiếu PLANFLOW_MAIL_FROM (địa chỉ người gửi)")
    return MailConfig(
        sender=parse_sender(mail_from or DEFAULT_FROM),
        smtp=parse_smtp_url(smtp_url) if smtp_url else None,
        eml_folder=home / "outbox",
        subject_prefix=DEFAULT_PREFIX if subject_prefix is None else parse_prefix(subject_prefix),
    )
