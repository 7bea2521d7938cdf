"""The wire form of a message, read back with Python's ``email`` package as a mail client would."""

from __future__ import annotations

import email
import email.policy
import re
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage

import pytest

from planflow.notifications.mime import Envelope, encode_message

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)

SENDER = Address("planflow", "planflow", "demo.example")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _envelope(**changes: object) -> Envelope:
    fields: dict[str, object] = {
        "sender": SENDER,
        "to": [("Phòng Văn hóa - Xã hội", "vhxh@demo.example")],
        "cc": [],
        "subject": "[planflow] Quá hạn: Rà soát trước Tết",
        "text": "Kính gửi: Phòng Văn hóa - Xã hội\n\n- Rà soát trước Tết: quá hạn 29 ngày\n",
        "html": "<p>Kính gửi: <b>Phòng Văn hóa - Xã hội</b></p>",
        "message_id": "<abc.1@demo.example>",
        "references": [],
        "date": "Tue, 24 Mar 2026 00:05:00 +0000",
    }
    fields.update(changes)
    return Envelope(**fields)  # type: ignore[arg-type]


def _read(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_headers_and_bodies_read_back() -> None:
    """Vietnamese names, subject and bodies come back as written; the envelope lists To and Cc."""
    env = _envelope(
        to=[("Phòng Văn hóa - Xã hội", "vhxh@demo.example"), ("Dr. Smith, Jr", "smith@demo.example")],
        cc=[("Phó chủ tịch Nguyễn Văn A", "pct@demo.example"), ("", "vp@demo.example")],
        references=["<occ.1@demo.example>", "<occ.2@demo.example>"],
    )
    out = encode_message(env)
    message = _read(out.data)
    assert str(message["From"]) == "planflow <planflow@demo.example>"
    assert (
        str(message["To"])
        == 'Phòng Văn hóa - Xã hội <vhxh@demo.example>, "Dr. Smith, Jr" <smith@demo.example>'
    )
    assert str(message["Cc"]) == "Phó chủ tịch Nguyễn Văn A <pct@demo.example>, vp@demo.example"
    assert str(message["Subject"]) == "[planflow] Quá hạn: Rà soát trước Tết"
    assert str(message["Message-ID"]) == "<abc.1@demo.example>"
    assert str(message["In-Reply-To"]) == "<occ.1@demo.example>"
    assert str(message["References"]).split() == ["<occ.1@demo.example>", "<occ.2@demo.example>"]
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    # text in canonical form: CRLF line ends
    assert (
        text.get_content()
        == "Kính gửi: Phòng Văn hóa - Xã hội\r\n\r\n- Rà soát trước Tết: quá hạn 29 ngày\r\n"
    )
    assert html.get_content() == "<p>Kính gửi: <b>Phòng Văn hóa - Xã hội</b></p>\r\n"
    assert out.sender == "planflow@demo.example"
    assert out.recipients == [
        "vhxh@demo.example",
        "smith@demo.example",
        "pct@demo.example",
        "vp@demo.example",
    ]
    assert not out.utf8
    assert message.defects == [] and all(part.defects == [] for part in message.walk())


def test_seven_bit_and_short_lines() -> None:
    """Every byte is ASCII and lines fit 78 characters where they can be folded: any server relays it."""
    subject = "[planflow] Quá hạn: " + "Rà soát, số hóa hồ sơ thủ tục hành chính; " * 6
    env = _envelope(subject=subject, text="Kính gửi " * 200,
                    attachments=[("bao-cao.docx", DOCX, bytes(range(256)) * 40)])  # fmt: skip
    data = encode_message(env).data
    assert data.isascii()
    long_lines = [line for line in data.split(b"\r\n") if len(line) > 78]
    assert long_lines == [b"Content-Type: " + DOCX.encode()]  # one token: it cannot be folded
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert str(_read(data)["Subject"]) == subject.strip()


def test_a_header_cannot_be_injected() -> None:
    """CR/LF in a name or a subject become spaces: no Bcc slips in."""
    env = _envelope(
        to=[("Phòng VH\r\nBcc: evil@attacker.example", "vhxh@demo.example")],
        subject="Báo cáo\r\nBcc: evil@attacker.example",
    )
    out = encode_message(env)
    message = _read(out.data)
    assert message["Bcc"] is None
    assert str(message["Subject"]) == "Báo cáo Bcc: evil@attacker.example"
    assert out.recipients == ["vhxh@demo.example"]


def test_text_that_looks_encoded_stays_literal() -> None:
    """An ASCII subject holding '=?…?=' is encoded, so a reader shows it as typed."""
    subject = "Ma =?utf-8?b?SGVsbG8=?= trong tieu de"
    assert str(_read(encode_message(_envelope(subject=subject)).data)["Subject"]) == subject


def test_attachments_keep_name_type_and_bytes() -> None:
    """Files follow the text and HTML; names with tone marks and text charsets survive."""
    docx = b"PK\x03\x04" + bytes(range(256))
    env = _envelope(attachments=[
        ("bao-cao-2026-Q1.docx", DOCX, docx),
        ("báo cáo quý I.md", "text/markdown; charset=utf-8", "# Báo cáo quý I\n".encode()),
    ])  # fmt: skip
    message = _read(encode_message(env).data)
    assert message.get_content_type() == "multipart/mixed"
    files = {
        str(p.get_filename()): (p.get_content_type(), p.get_content()) for p in message.iter_attachments()
    }
    assert files == {
        "bao-cao-2026-Q1.docx": (DOCX, docx),
        "báo cáo quý I.md": ("text/markdown", "# Báo cáo quý I\n"),
    }
    body = message.get_body(("plain",))
    assert body is not None and body.get_content().startswith("Kính gửi: Phòng Văn hóa - Xã hội")


def test_non_ascii_address_needs_smtputf8() -> None:
    """An address with tone marks is kept as it is and the message asks for SMTPUTF8."""
    out = encode_message(_envelope(to=[("Chị Hoa", "hoà@demo.example")]))
    assert out.utf8
    assert out.recipients == ["hoà@demo.example"]
    assert str(_read(out.data)["To"]) == "Chị Hoa <hoà@demo.example>"


def test_long_names_and_words_are_split_into_encoded_words() -> None:
    """A long name and a subject with a very long word come back exactly (RFC 2047 reading:
    adjacent encoded words join with nothing between); no encoded word exceeds 75 characters."""
    name = "Phó chủ tịch Ủy ban nhân dân xã Nguyễn Văn A phụ trách văn hóa xã hội"
    subject = "[planflow] Quá hạn: " + "Chuyểnđổisốtoàndiệnkhôngkhoảngtrắng" * 3 + " và Rà soát"
    data = encode_message(_envelope(to=[(name, "pct@demo.example")], subject=subject)).data
    head = data.split(b"\r\n\r\n")[0].decode("ascii")
    words = re.findall(r"=\?utf-8\?b\?[^?]*\?=", head)
    assert len(words) > 4 and max(len(w) for w in words) <= 75
    to = re.search(r"^To: (.*?) <pct@demo.example>", head, re.M | re.S)
    assert to is not None
    assert str(make_header(decode_header(to.group(1).replace("\r\n", "")))) == name
    assert str(_read(data)["Subject"]) == subject
