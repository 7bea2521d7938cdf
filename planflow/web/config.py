"""Web settings, checked before the server starts.

- ``PLANFLOW_SECRET`` (≥ 32 characters) signs progress links, calendar feeds and
  form tokens. On a loopback address the app may run without it: it then signs with a
  random key of its own, and links mailed by ``planflow check`` will not open. On any other
  address it refuses to start without one.
- ``PLANFLOW_PUBLIC_URL``: the address users reach the app at (``https://…``); the daily
  check puts signed links into its e-mails only when this and the secret are set.
- ``PLANFLOW_BOARD_USER`` / ``PLANFLOW_BOARD_PASSWORD``: the standing unit's login to the
  read-only board. Without a password the board is off.
- ``PLANFLOW_LINK_DAYS`` (default 30): how long a mailed link stays valid.
- ``PLANFLOW_UPLOAD_MAX_MB`` (default 10): the largest evidence file accepted.
- ``PLANFLOW_TRUSTED_PROXIES`` (default none): the addresses or networks of the reverse
  proxies in front of the app (``127.0.0.1`` for nginx on the same machine,
  ``10.0.0.0/24``). Only requests from them may say, by X-Forwarded-For and
  X-Forwarded-Proto, which browser they carry and whether it came over HTTPS; from anyone
  else those headers are ignored, so a forged address cannot dodge the login lock.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from planflow.errors import WebConfigError
from planflow.settings import Settings
from planflow.web.tokens import Tokens

MIN_SECRET = 32
MIN_PASSWORD = 10


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _public_url(value: str | None) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise WebConfigError(
            f"PLANFLOW_PUBLIC_URL '{value}' không hợp lệ: ghi dạng https://planflow.loctan.gov.vn "
            "(không có ?… hay #…)"
        )
    return value.rstrip("/")


def _trusted_proxies(value: str | None) -> tuple[str, ...]:
    """The proxy addresses and networks, each checked (``*`` would trust every forger)."""
    entries = tuple(e.strip() for e in (value or "").split(",") if e.strip())
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise WebConfigError(
                f"PLANFLOW_TRUSTED_PROXIES '{entry}' không hợp lệ: ghi địa chỉ IP hoặc dải mạng của "
                "reverse proxy, cách nhau bằng dấu phẩy (ví dụ 127.0.0.1 hoặc 10.0.0.0/24)"
            ) from None
    return entries


def _secret(settings: Settings) -> str | None:
    secret = settings.secret.get_secret_value() if settings.secret else None
    if secret is not None and len(secret) < MIN_SECRET:
        raise WebConfigError(
            f"PLANFLOW_SECRET quá ngắn ({len(secret)} ký tự; cần ít nhất {MIN_SECRET}). "
            "Tạo một khóa: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    return secret


@dataclass(frozen=True)
class WebConfig:
    tokens: Tokens
    ephemeral_secret: bool
    public_url: str | None
    board_user: str
    board_password: str | None
    link_days: int
    upload_max_bytes: int
    home: Path
    trusted_proxies: tuple[str, ...] = ()

    @property
    def secure_cookies(self) -> bool:
        """Cookies are marked Secure when users reach the app over HTTPS."""
        return bool(self.public_url and self.public_url.startswith("https://"))

    @property
    def evidence_root(self) -> Path:
        """Uploaded evidence lives under PLANFLOW_HOME, outside anything served as static."""
        return self.home / "evidence"


def web_config(settings: Settings, host: str = "127.0.0.1") -> WebConfig:
    """Checked settings for serving on ``host``; WebConfigError when unsafe."""
    secret = _secret(settings)
    if secret is None and not is_loopback(host):
        raise WebConfigError(
            f"không chạy trên địa chỉ {host} khi chưa đặt PLANFLOW_SECRET: mọi liên kết sẽ giả mạo "
            "được. Đặt PLANFLOW_SECRET (ít nhất 32 ký tự) hoặc chạy trên 127.0.0.1"
        )
    password = settings.board_password.get_secret_value() if settings.board_password else None
    if password is not None and len(password) < MIN_PASSWORD:
        raise WebConfigError(f"PLANFLOW_BOARD_PASSWORD quá ngắn: cần ít nhất {MIN_PASSWORD} ký tự")
    return WebConfig(
        tokens=Tokens(secret or secrets.token_urlsafe(48)),
        ephemeral_secret=secret is None,
        public_url=_public_url(settings.public_url),
        board_user=settings.board_user,
        board_password=password,
        link_days=settings.link_days,
        upload_max_bytes=settings.upload_max_mb * 1024 * 1024,
        home=settings.home,
        trusted_proxies=_trusted_proxies(settings.trusted_proxies),
    )


@dataclass(frozen=True)
class LinkMaker:
    """Builds the signed links that e-mails and ``planflow link`` hand out."""

    tokens: Tokens
    base_url: str
    days: int

    def progress(self, plan_id: str, unit_id: str, now: dt.datetime, key: str | None = None) -> str:
        """The unit's page for the plan, or (with ``key``) the form of one occurrence."""
        token = self.tokens.progress_link(plan_id, unit_id, now + dt.timedelta(days=self.days))
        return f"{self.base_url}/p/{token}" + (f"/o/{key}" if key else "")

    def board(self, plan_id: str) -> str:
        return f"{self.base_url}/board/{plan_id}"


def link_maker(settings: Settings) -> LinkMaker | None:
    """Links for e-mails: only when both PLANFLOW_PUBLIC_URL and PLANFLOW_SECRET are set
    (a link signed with a throwaway key would never open)."""
    secret = _secret(settings)
    base = _public_url(settings.public_url)
    if secret is None or base is None:
        return None
    return LinkMaker(Tokens(secret), base, settings.link_days)
