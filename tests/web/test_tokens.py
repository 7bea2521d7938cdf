"""Signed tokens: each purpose its own, expiry against an explicit now, tampering detected."""

from __future__ import annotations

import datetime as dt

import pytest

from planflow.errors import LinkError
from planflow.web.tokens import Purpose, Tokens

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)

NOW = dt.datetime(2026, 3, 24, 2, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=30)


def test_progress_link_round_trip() -> None:
    """A link carries its plan, unit and expiry, and reads back before it expires."""
    tokens = Tokens("a" * 40)
    scope = tokens.read_progress_link(tokens.progress_link("demo-2026", "kt", LATER), NOW)
    assert (scope.plan_id, scope.unit_id, scope.expires) == ("demo-2026", "kt", LATER)


def test_expiry_is_checked_against_the_given_now() -> None:
    """The same token is valid on one day and expired a second after its end."""
    tokens = Tokens("a" * 40)
    token = tokens.progress_link("demo-2026", "kt", LATER)
    assert tokens.read_progress_link(token, LATER).unit_id == "kt"
    with pytest.raises(LinkError, match=r"^liên kết đã hết hạn từ 23/04/2026 02:00 UTC$") as caught:
        tokens.read_progress_link(token, LATER + dt.timedelta(seconds=1))
    assert caught.value.expired


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        lambda t: t.replace("a3Qi", "a3Qj", 1) if "a3Qi" in t else "x" + t,  # payload changed
        lambda t: t.split(".")[0],  # signature cut off
        lambda t: "",  # nothing
    ],
)
def test_tampering_is_detected(mangle) -> None:  # type: ignore[no-untyped-def]
    """Any change to a token makes it invalid (not expired)."""
    tokens = Tokens("a" * 40)
    with pytest.raises(LinkError, match="liên kết không hợp lệ") as caught:
        tokens.read_progress_link(mangle(tokens.progress_link("demo-2026", "kt", LATER)), NOW)
    assert not caught.value.expired


def test_purposes_and_secrets_do_not_mix() -> None:
    """A calendar feed or a form token is no progress link; another server's secret signs nothing here."""
    tokens = Tokens("a" * 40)
    with pytest.raises(LinkError):
        tokens.read_progress_link(tokens.calendar_feed("demo-2026", "kt", LATER), NOW)
    with pytest.raises(LinkError):
        tokens.read_progress_link(tokens.issue(Purpose.CSRF, {"p": "demo-2026", "u": "kt"}, LATER), NOW)
    with pytest.raises(LinkError):
        tokens.read_progress_link(Tokens("b" * 40).progress_link("demo-2026", "kt", LATER), NOW)


def test_form_tokens_are_bound_to_the_browser_cookie() -> None:
    """A form token works with the cookie it was minted for only."""
    tokens = Tokens("a" * 40)
    token = tokens.form_token("cookie-1", LATER)
    tokens.check_form_token(token, "cookie-1", NOW)
    with pytest.raises(LinkError, match="không khớp với trình duyệt này"):
        tokens.check_form_token(token, "cookie-2", NOW)
    with pytest.raises(LinkError, match="thiếu mã bảo vệ biểu mẫu"):
        tokens.check_form_token(token, None, NOW)
