"""Fault run: the real plans checked day by day against a real SMTP server that misbehaves,
on SQLite and on PostgreSQL, then an account of every notice that was due.

    .venv/bin/python scripts/fault_run.py [--db sqlite|postgresql|both] [--seed 18]

Loopback only: an aiosmtpd server (tests/smtp.py) and one local Prefect server for the
`planflow check` runs. For each database, over the as-of days of ``DAYS``:

1. answers per message and per recipient: 451 and a 550 policy refusal at DATA, one
   address refused for good (550), one that answers 451 at every attempt (its retries run
   out);
2. a wrong SMTP password (535): `send` must exit 1 with one line; then the password is
   fixed and `planflow outbox --retry` resends;
3. three `planflow check` at once for one day;
4. 20 runs killed with SIGKILL at random points: `planflow check`, `planflow send`, and
   the check's own work (``run_check``: sync, record, queue, deliver) in a bare process,
   which reaches its delivery within the random window far more often than a Prefect run;
5. a deadline amended mid-ladder (15/10 → 20/11 after +1w and +3w fired).

Then the outbox is drained (`planflow send`, then delivery as if the retry delays had
passed). The notices due are those a control store records for the same days with no
fault at all. Every one of them must be recorded once in the faulty store, and each of
its recipients must have got the message (copies counted by Message-ID and address) or be
listed as failed with its cause; a copy is allowed only for a message in flight at a kill.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from planflow.loader import load_definitions  # noqa: E402
from planflow.notifications.config import MailConfig, load_mail_config  # noqa: E402
from planflow.notifications.delivery import failed_recipients, state_of  # noqa: E402
from planflow.notifications.notices import mail_config, run_check, send_outbox  # noqa: E402
from planflow.settings import load_settings  # noqa: E402
from planflow.store.db import open_store  # noqa: E402
from planflow.store.models import NoticeRow, OutboxRow  # noqa: E402
from tests.smtp import Recorder, SmtpServer, free_port  # noqa: E402

PLANFLOW = Path(sys.executable).parent / "planflow"
SENDER = "planflow <planflow@fault.example>"
DAYS = [dt.date(2025, 10, d) for d in (6, 14, 16, 20, 21, 22, 24)] + [
    dt.date(2025, 11, d) for d in (11, 21, 25)
] + [dt.date(2025, 12, 1)]  # fmt: skip
AMEND_AFTER = dt.date(2025, 10, 22)
PLAN_FILE = Path("plans") / "loc-tan-2025.yaml"
WHEN = 'when: "Từ ngày 01/10/2025 - 09/10/2025."'
WHEN_15_10 = 'when: "Từ ngày 01/10/2025 - 15/10/2025."'
WHEN_20_11 = 'when: "Từ ngày 01/10/2025 - 20/11/2025."'
KILLS = 20
FULL, NO_BOX = "451 4.2.1 Hộp thư tạm đầy", "550 5.1.1 Không có hộp thư này"
POLICY = "550 5.7.1 Nội dung bị chặn theo chính sách"

WORKER = """
import datetime as dt, sys
from planflow.loader import load_definitions
from planflow.notifications.notices import mail_config, run_check
from planflow.settings import load_settings
from planflow.store.db import open_store
settings = load_settings()
factory, config = open_store(settings.effective_database_url), mail_config(settings)
run_check(load_definitions(settings.definitions), factory, dt.date.fromisoformat(sys.argv[1]), config=config,
          now=lambda: dt.datetime.now(dt.UTC))
"""


def _amend(root: Path, old: str, new: str) -> None:
    path = root / PLAN_FILE
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def _definitions(folder: Path) -> Path:
    shutil.copytree(REPO / "definitions", folder)
    _amend(folder, WHEN, WHEN_15_10)
    return folder


Due = set[tuple[object, ...]]


def control_notices(work: Path) -> Due:
    """The notices due over DAYS with no fault: a clean SQLite store, .eml files."""
    root = _definitions(work / "control-defs")
    os.environ["PLANFLOW_HOME"] = str(work / "control-home")
    settings = load_settings(definitions=root)
    factory = open_store(settings.effective_database_url)
    for day in DAYS:
        now = dt.datetime.combine(day, dt.time(7), tzinfo=dt.UTC)
        run_check(load_definitions(root), factory, day, config=mail_config(settings), now=lambda now=now: now)
        if day == AMEND_AFTER:
            _amend(root, WHEN_15_10, WHEN_20_11)
    with factory() as s:
        return {tuple(r) for r in s.execute(sa.select(*_KEY))}


_KEY = (NoticeRow.occurrence_key, NoticeRow.due, NoticeRow.step, NoticeRow.recipient, NoticeRow.role)


class Run:
    """One database's fault run."""

    def __init__(self, name: str, url: str, work: Path, server: SmtpServer, prefect: str, rng: random.Random):
        self.name, self.url, self.server, self.rng = name, url, server, rng
        self.root = _definitions(work / f"defs-{name}")
        self.env = {**os.environ, "PLANFLOW_HOME": str(work / f"home-{name}"), "PLANFLOW_DATABASE_URL": url,
                    "PLANFLOW_DEFINITIONS": str(self.root), "PLANFLOW_SMTP_URL": server.url,
                    "PLANFLOW_MAIL_FROM": SENDER, "PREFECT_API_URL": prefect,
                    "PYTHONPATH": str(REPO)}  # fmt: skip
        self.env.pop("PLANFLOW_SECRET", None)
        self.in_flight: set[str] = set()
        self.kills: Counter[str] = Counter()
        self.log: list[str] = []

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PLANFLOW), *args], env=self.env, capture_output=True, text=True, timeout=300
        )

    def _mail(self) -> MailConfig:
        return load_mail_config(Path(self.env["PLANFLOW_HOME"]), self.env["PLANFLOW_SMTP_URL"], SENDER)

    def check(self, day: dt.date, deliver: bool = True) -> None:
        """The check's work for ``day`` in this process (the runs killed are processes)."""
        with store(self.url) as factory:
            run_check(load_definitions(self.root), factory, day, config=self._mail(), deliver_now=deliver,
                      now=lambda: dt.datetime.now(dt.UTC))  # fmt: skip

    def drain(self, hours: float) -> int:
        """Delivery as if ``hours`` had passed: every retry due by then is tried."""
        with store(self.url) as factory:
            later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)
            return send_outbox(factory, self._mail(), now=lambda: later).waiting

    def killed(self, kind: str, day: dt.date) -> None:
        """Start ``kind`` and SIGKILL it at a random point; note what was in flight."""
        if kind == "planflow check":
            proc = subprocess.Popen([str(PLANFLOW), "check", "--as-of", day.isoformat()], env=self.env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            delay = self.rng.uniform(4, 20)
        elif kind == "planflow send":
            proc = subprocess.Popen([str(PLANFLOW), "send"], env=self.env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)  # fmt: skip
            delay = self.rng.uniform(0.5, 4)
        else:
            proc = subprocess.Popen([sys.executable, "-c", WORKER, day.isoformat()], env=self.env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            delay = self.rng.uniform(0.5, 5)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        self.kills[kind] += 1
        with store(self.url) as factory, factory() as s:
            self.in_flight |= set(
                s.scalars(sa.select(OutboxRow.message_id).where(OutboxRow.claimed_until.is_not(None)))
            )

    def run(self) -> None:
        rec = self.server.recorder
        kinds = ["planflow check"] * 2 + ["planflow send"] * 9 + ["run_check"] * 9
        self.rng.shuffle(kinds)
        kill_days = DAYS[5:]
        kills: dict[dt.date, list[str]] = {d: [] for d in kill_days}
        for j, kind in enumerate(kinds):
            kills[kill_days[j % len(kill_days)]].append(kind)
        for i, day in enumerate(DAYS):
            if i == 0:  # answers per message and per recipient
                rec.data_answers[:] = ["451 4.3.0 Thử lại sau", POLICY]
            if i == 3:  # a wrong password, then fixed
                self.env["PLANFLOW_SMTP_URL"] = self.server.url_with("planflow", "sai")
            if i == 4:  # three checks at once
                procs = [subprocess.Popen([str(PLANFLOW), "check", "--as-of", day.isoformat()], env=self.env,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                         for _ in range(3)]  # fmt: skip
                codes = [p.communicate(timeout=600) and p.returncode for p in procs]
                self.log.append(f"3 x planflow check --as-of {day}: exit codes {codes}")
            rec.stall_data = 0.2  # long enough a delivery for kills to land in it
            for kind in kills.get(day, []):
                self.killed(kind, day)
            rec.stall_data = 0.0
            self.check(day, deliver=i != 3)
            if i == 3:
                done = self.cli("send")
                self.log.append(f"send with a wrong password: exit {done.returncode}: {done.stderr.strip()}")
                self.env["PLANFLOW_SMTP_URL"] = self.server.url_with("planflow", "dung")
                done = self.cli("outbox", "--retry")
                self.log.append(f"outbox --retry after the fix: exit {done.returncode}: "
                                f"{done.stdout.strip().splitlines()[-1]}")  # fmt: skip
            if day == AMEND_AFTER:
                _amend(self.root, WHEN_15_10, WHEN_20_11)
        done = self.cli("send")
        self.log.append("first send after the kills: " + " / ".join(done.stdout.strip().splitlines()))
        hours = 1.0
        while self.drain(hours) and hours < 1000:  # as if the retry delays had passed, until nothing waits
            hours *= 2

    def account(self, due: set[tuple[object, ...]]) -> list[str]:
        received = Counter((m, r) for m, (_, rcpts) in zip(self.server.recorder.message_ids(),
                                                          self.server.recorder.envelopes, strict=True)
                           for r in rcpts if m.endswith("@fault.example>"))  # fmt: skip
        with store(self.url) as factory, factory() as s:
            notices = {tuple(r[:5]): r[5] for r in s.execute(sa.select(*_KEY, NoticeRow.outbox_id))}
            rows = {r.id: r for r in s.scalars(sa.select(OutboxRow))}
        keys = list(notices)
        missing, extra = due - set(keys), set(keys) - due
        delivered = failed = waiting = 0
        causes: Counter[str] = Counter()
        for key in due & set(keys):
            row = rows[notices[key]]  # type: ignore[index]
            if not row.to_addrs:
                failed += 1
                causes[str(row.last_error)] += 1
                continue
            refused = failed_recipients(row)
            for _, address in [*row.to_addrs, *row.cc_addrs]:
                state = state_of(row, address)["state"]
                if state == "sent" and received[(row.message_id, address)] >= 1:
                    delivered += 1
                elif state == "failed":
                    failed += 1
                    causes[refused[address].split(" (")[0]] += 1
                else:
                    waiting += 1
        copies = {m for (m, _), n in received.items() if n > 1}
        ids = {notices[k] for k in due & set(keys) if notices[k] is not None}
        unexplained = copies - self.in_flight
        return [
            f"== {self.name}: {len(due)} notices due (control run), {len(keys)} recorded, "
            f"{len(missing)} missing, {len(extra)} not due",
            f"   recipients of those notices: {delivered} delivered, {failed} listed as failed, "
            f"{waiting} neither",
            *(f"   failed ({n}): {cause}" for cause, n in causes.most_common()),
            f"   messages received: {len({m for m, _ in received})} Message-IDs, "
            f"{sum(received.values())} copies to addresses; "
            f"{len(copies)} Message-IDs received twice or more, "
            f"{len(unexplained)} of them not in flight at a kill",
            f"   kills: {dict(self.kills)} ({sum(self.kills.values())}); "
            f"{len(self.in_flight)} messages were in flight at a kill",
            "   messages of those notices: "
            + ", ".join(
                f"{status} {n}" for status, n in sorted(Counter(rows[i].status for i in ids).items())
            ),
            *(f"   {line}" for line in self.log),
        ]


class store:
    def __init__(self, url: str) -> None:
        self.factory = open_store(url)

    def __enter__(self) -> sa.orm.sessionmaker[sa.orm.Session]:
        return self.factory

    def __exit__(self, *args: object) -> None:
        self.factory.kw["bind"].dispose()


def postgres_url(schema: str) -> str:
    base = os.environ.get("PLANFLOW_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


def prefect_server(work: Path, control: Callable[[], Due]) -> tuple[subprocess.Popen[bytes], str, Due]:
    """A local Prefect server for the `planflow check` runs; ``control`` runs while it starts."""
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(work / "prefect"), "PREFECT_SERVER_LOGGING_LEVEL": "WARNING"}
    command = [str(Path(sys.executable).parent / "prefect"), "server", "start", "--host", "127.0.0.1",
               "--port", str(port)]  # fmt: skip
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api"
    due = control()
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/health", timeout=1)
            return proc, url, due
        except OSError:
            time.sleep(1)
    proc.kill()
    raise SystemExit("the local Prefect server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="planflow-faults-") as tmp:
        work = Path(tmp)
        prefect, api, due = prefect_server(work, control=lambda: control_notices(work))
        lines = []
        try:
            for name in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
                url = (
                    f"sqlite:///{work / 'faults.db'}"
                    if name == "sqlite"
                    else postgres_url(f"fault_run_{os.getpid()}")
                )
                server = SmtpServer(Recorder(password="dung"), auth=True)
                server.start()
                rng = random.Random(args.seed)
                run = Run(name, url, work, server, api, rng)
                addresses = sorted({a for r in _sendable(work) for a in r})
                server.recorder.rcpt_answers.update({addresses[0]: NO_BOX, addresses[1]: FULL})
                try:
                    run.run()
                finally:
                    server.stop()
                lines += run.account(due)
                print("\n".join(lines[-1:]), flush=True)
        finally:
            prefect.send_signal(signal.SIGTERM)
            prefect.wait(timeout=60)
    print("\n".join(lines))
    print(f"fault run: {time.monotonic() - started:.0f} s")


def _sendable(work: Path) -> list[list[str]]:
    """The addresses the control run mailed, per message."""
    with store(f"sqlite:///{work / 'control-home' / 'planflow.db'}") as factory, factory() as s:
        return [[a for _, a in r.to_addrs] for r in s.scalars(sa.select(OutboxRow)) if r.to_addrs]


if __name__ == "__main__":
    main()
