"""A simulated month of every example plan, as the mail server would see it.

A throwaway SQLite store and a file outbox: the daily check runs every morning from
``--warm-up`` (so the month does not start with a first-run catch-up) to the month's end,
each morning's messages are delivered as .eml files, and the month's messages are
summarised by recipient and kind (the most urgent heading of a digest, an escalation to
the signer, a coordination request). Nothing is read from or written to a real store.

    .venv/bin/python scripts/simulated_month.py --month 2025-10 --warm-up 2025-09-01 -o out/
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import email.policy
import json
import tempfile
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

from planflow.loader import load_definitions
from planflow.notifications.config import load_mail_config
from planflow.notifications.notices import notices_due, queue_notices, send_outbox
from planflow.store.db import open_store
from planflow.sync.definitions import sync_definitions

ICT = dt.timezone(dt.timedelta(hours=7))
SENDER = "Văn phòng UBND xã <vanphong@ubnd.example>"


def kind_of(message: EmailMessage, recipient: str) -> str:
    """What a message is, as its reader sees it."""
    subject = str(message["Subject"])
    if "Đề nghị phối hợp" in subject:
        return "đề nghị phối hợp"
    heading = subject.split(" – ", 1)[0].split("] ", 1)[-1]
    if recipient.startswith("signer:"):
        return f"xin chỉ đạo ({heading.lower()})"
    return heading.lower()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--month", required=True, help="YYYY-MM")
    parser.add_argument("--warm-up", required=True, help="first day the daily check runs")
    parser.add_argument("--definitions", default="definitions")
    parser.add_argument("-o", "--out", required=True)
    args = parser.parse_args()
    first = dt.date.fromisoformat(args.month + "-01")
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    defs = load_definitions(Path(args.definitions))
    with tempfile.TemporaryDirectory(prefix="planflow-month-") as folder:
        home = Path(folder)
        factory = open_store(f"sqlite:///{home / 'month.db'}")
        config = load_mail_config(home, None, SENDER)
        day = dt.date.fromisoformat(args.warm_up)
        rows: list[dict[str, object]] = []
        while day <= last:
            now = dt.datetime.combine(day, dt.time(7), tzinfo=ICT)
            with factory() as s, s.begin():
                sync_definitions(defs, None, session=s, now=now)
                plan = notices_due(defs, sorted(defs.plans), day, session=s)
                queued = queue_notices(plan, session=s, now=now, config=config)
                ids = {r.message_id: r.recipient for r in queued}
            before = set((home / "outbox").glob("*.eml")) if (home / "outbox").exists() else set()
            send_outbox(factory, config, now=lambda at=now: at + dt.timedelta(minutes=5))
            for path in sorted(set((home / "outbox").glob("*.eml")) - before):
                message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                assert isinstance(message, EmailMessage)
                recipient = ids.get(str(message["Message-ID"]), "?")
                if first <= day:
                    target = out / f"{day:%Y%m%d}-{path.name}"
                    target.write_bytes(path.read_bytes())
                    rows.append(
                        {
                            "day": day.isoformat(),
                            "recipient": recipient,
                            "to": " ".join(str(message["To"]).split()),
                            "kind": kind_of(message, recipient),
                            "subject": str(message["Subject"]),
                            "file": target.name,
                        }
                    )
            day += dt.timedelta(days=1)
        factory.kw["bind"].dispose()
    (out / "messages.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    by = Counter((str(r["to"]), str(r["kind"])) for r in rows)
    print("| Người nhận | Loại thư | Số thư |")
    print("|---|---|---|")
    for (to, kind), count in sorted(by.items()):
        print(f"| {to} | {kind} | {count} |")
    print(f"\n{len(rows)} thư, {len({r['to'] for r in rows})} người nhận, {first:%d/%m/%Y}–{last:%d/%m/%Y}.")


if __name__ == "__main__":
    main()
