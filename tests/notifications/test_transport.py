"""SMTP transport options against a real server: STARTTLS with a private CA, and AUTH."""

from __future__ import annotations

import datetime as dt
import ssl
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy.orm import Session, sessionmaker

from planflow.loader import load_definitions
from planflow.notifications.config import load_mail_config, parse_smtp_url
from planflow.notifications.notices import run_check
from tests.smtp import SmtpServer, self_signed

SENDER = "planflow <planflow@demo.example>"


def test_smtp_url_forms() -> None:
    """The three security modes and their default ports; the password is never in repr."""
    tls = parse_smtp_url("smtps://u:p%40ss@mail.example:465")
    assert (tls.security, tls.port, tls.username, tls.password) == ("ssl", 465, "u", "p@ss")
    assert "p@ss" not in repr(tls) and "p@ss" not in tls.describe()
    assert parse_smtp_url("smtp://mail.example?starttls=true").port == 587
    assert parse_smtp_url("smtp://relay.example").security == "plain"


def test_starttls_and_auth(sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path) -> None:
    """Mail goes over STARTTLS (server certificate trusted through cafile) with a login."""
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[tuple[str, str]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password == b"mat-khau")

    server = SmtpServer(tls_context=context, require_starttls=True, authenticator=authenticator,
                        auth_require_tls=True)  # fmt: skip
    server.start()
    try:
        url = f"smtp://planflow:mat-khau@127.0.0.1:{server.port}?starttls=true&timeout=5&cafile={cert}"
        config = load_mail_config(tmp_path, url, SENDER)
        outcome = run_check(load_definitions(defs_root), sessions, dt.date(2026, 3, 24), config=config,
                            now=lambda: dt.datetime(2026, 3, 24, tzinfo=dt.UTC))  # fmt: skip
    finally:
        server.stop()
    assert outcome.delivery is not None and outcome.delivery.sent == 3
    assert len(server.recorder.messages) == 3
    assert set(logins) == {("planflow", "mat-khau")}
