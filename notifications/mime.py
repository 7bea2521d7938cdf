"""A message's wire form: the MIME bytes of an outbox row, written directly.

Python's ``email`` objects parse every header through their policy when it is set and
fold it again when the message is flattened: about 10 ms per message, more than the SMTP
exchange itself. Our messages have one shape (a text part and its HTML alternative,
maybe files), so they are written here in one pass, 7-bit clean whatever the server
supports: header text as RFC 2047 encoded words, every body part in base64, CRLF line
ends. Tests read what the SMTP server receives back with the ``email`` package.
"""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass, field
from email.header import Header
from email.headerregistry import Address
from email.utils import encode_rfc2231, formataddr
from functools import lru_cache

CRLF = "\r\n"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_MAX_LINE = 78
_TOKEN = re.compile(r"\S*\s*")  # a word and the spaces after it
AUTOMATIC = ["Auto-Submitted: auto-generated", "X-Auto-Response-Suppress: All"]
"""Every message we write is sent by a machine (RFC 3834): vacation responders and
Exchange's out-of-office replies leave it alone, and no loop of auto-replies starts."""
_WORD_BYTES = 39  # in base64, 52 characters: an encoded word of 64, a line with "Subject: "


@dataclass(frozen=True)
class Envelope:
    """Everything a message needs, as stored in the outbox."""

    sender: Address
    to: list[tuple[str, str]]
    cc: list[tuple[str, str]]
    subject: str
    text: str
    html: str
    message_id: str
    references: list[str]
    date: str
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)
    """(file name, media type, content) of each attached file."""


@dataclass(frozen=True)
class Outgoing:
    """A message ready for a transport: the SMTP envelope and the bytes of the message."""

    sender: str
    recipients: list[str]
    message_id: str
    data: bytes
    utf8: bool = False
    """An address is not ASCII: the server must offer SMTPUTF8."""


def clean(text: str) -> str:
    """One line of header text: control characters (CR, LF …) become spaces, so a unit
    name or a title can never add a header."""
    return _CONTROL.sub(" ", text).strip()


def _is_plain(text: str) -> bool:
    """ASCII that no reader takes for an encoded word: written as it is."""
    return text.isascii() and "=?" not in text


def _encoded(text: str) -> str:
    """RFC 2047 encoded words ("B" encoding), one per line. Words are cut after a space
    where they can be, so readers that keep the space between two encoded words in a name
    show it as one; each word fits a line after any header name."""
    chunks: list[bytes] = []
    for token in _TOKEN.findall(text):
        raw = token.encode("utf-8")
        if chunks and len(chunks[-1]) + len(raw) <= _WORD_BYTES:
            chunks[-1] += raw
            continue
        while len(raw) > _WORD_BYTES:  # a very long word: cut between characters
            cut = _WORD_BYTES
            while raw[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte
                cut -= 1
            chunks.append(raw[:cut])
            raw = raw[cut:]
        chunks.append(raw)
    return f"{CRLF} ".join(f"=?utf-8?b?{base64.b64encode(c).decode('ascii')}?=" for c in chunks if c)


def _text_header(name: str, value: str) -> str:
    value = clean(value)
    if _is_plain(value) and len(name) + 2 + len(value) <= _MAX_LINE:
        return f"{name}: {value}"
    if _is_plain(value):  # long ASCII: folded at spaces
        return f"{name}: {Header(value, 'us-ascii', header_name=name).encode(linesep=CRLF)}"
    return f"{name}: {_encoded(value)}"


@lru_cache(maxsize=1024)  # the same units and people receive most messages
def _mailbox(name: str, addr: str) -> str:
    name = clean(name)
    if not name:
        return addr
    if _is_plain(name):
        return formataddr((name, addr))  # quoted when the name holds specials
    return f"{_encoded(name)} <{addr}>"


def _address_header(name: str, mailboxes: list[tuple[str, str]]) -> str:
    return f"{name}: " + f",{CRLF} ".join(_mailbox(n, a) for n, a in mailboxes)


def _base64(content: bytes) -> bytes:
    return base64.encodebytes(content).replace(b"\n", b"\r\n")


def _text(content: str) -> bytes:
    """Text in canonical form (CRLF line ends) before base64, as RFC 2045 asks."""
    lines = content.encode("utf-8").splitlines()
    return b"\r\n".join(lines) + b"\r\n"


def _part(headers: list[str], body: bytes) -> bytes:
    return (CRLF.join(headers) + CRLF + CRLF).encode("utf-8") + body  # UTF-8 only in SMTPUTF8 addresses


def _multipart(subtype: str, parts: list[bytes]) -> tuple[str, bytes]:
    """The Content-Type and body of a multipart; '=_' never occurs in base64 text."""
    boundary = f"=_{uuid.uuid4().hex}"
    body = b"".join(f"--{boundary}{CRLF}".encode("ascii") + part + b"\r\n" for part in parts)
    content_type = f'multipart/{subtype};{CRLF} boundary="{boundary}"'
    return content_type, body + f"--{boundary}--{CRLF}".encode("ascii")


def _attachment(filename: str, media_type: str, content: bytes) -> bytes:
    name = clean(filename)
    if name.isascii():
        disposition = 'attachment; filename="{}"'.format(name.replace("\\", "\\\\").replace('"', '\\"'))
    else:
        disposition = f"attachment; filename*={encode_rfc2231(name, 'utf-8')}"
    headers = [
        f"Content-Type: {clean(media_type)}",  # with its charset: a reader decodes text files right
        "Content-Transfer-Encoding: base64",
        f"Content-Disposition: {disposition}",
    ]
    return _part(headers, _base64(content))


def encode_message(env: Envelope) -> Outgoing:
    """The message as sent: text with its HTML alternative, then the attached files."""
    headers = [
        _address_header("From", [(env.sender.display_name, env.sender.addr_spec)]),
        _address_header("To", env.to),
    ]
    if env.cc:
        headers.append(_address_header("Cc", env.cc))
    headers += [_text_header("Subject", env.subject), f"Date: {env.date}", f"Message-ID: {env.message_id}"]
    headers += AUTOMATIC
    if env.references:
        headers += [f"In-Reply-To: {env.references[0]}", "References: " + f"{CRLF} ".join(env.references)]
    text_parts = [
        _part([f'Content-Type: text/{kind}; charset="utf-8"', "Content-Transfer-Encoding: base64"],
              _base64(_text(content)))
        for kind, content in (("plain", env.text), ("html", env.html))
    ]  # fmt: skip
    content_type, body = _multipart("alternative", text_parts)
    if env.attachments:
        files = [_attachment(*attached) for attached in env.attachments]
        content_type, body = _multipart("mixed", [_part([f"Content-Type: {content_type}"], body), *files])
    headers += ["MIME-Version: 1.0", f"Content-Type: {content_type}"]
    recipients = [addr for _, addr in [*env.to, *env.cc]]
    return Outgoing(
        sender=env.sender.addr_spec,
        recipients=recipients,
        message_id=env.message_id,
        data=_part(headers, body),
        utf8=not all(a.isascii() for a in [env.sender.addr_spec, *recipients]),
    )
