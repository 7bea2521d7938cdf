"""LibreOffice conversions: one more try, in a new profile, when soffice exits non-zero; none
when it exits 0 having made nothing (a file it cannot open); what it said in the failure.

The program here is a shell script in soffice's place that prints and exits as soffice does
in each case (the conversions themselves are proved by the reports' and importer's tests)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from planflow.soffice import convert

JAVA = "echo 'Warning: failed to launch javaldx - java may not function correctly' >&2"


def fake_soffice(tmp_path: Path, *runs: str) -> Path:
    """A script whose n-th start runs ``runs[n-1]`` (the last one again after that), with
    ``$profile``, ``$outdir`` and ``$source`` set from soffice's arguments; starts are logged."""
    cases = "\n".join(f"  {n}) {run};;" for n, run in enumerate(runs[:-1], start=1))
    script = tmp_path / "soffice"
    script.write_text(
        f"""#!/bin/sh
profile=$1 outdir=$6 source=$7
echo "$profile" >> {tmp_path}/starts
{JAVA}
case $(wc -l < {tmp_path}/starts) in
{cases}
  *) {runs[-1]};;
esac
""",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


WRITE = 'echo "convert $source"; echo "%PDF-1.7" > "$outdir/$(basename "$source" .docx).pdf"; exit 0'


@pytest.fixture
def source(tmp_path: Path) -> Path:
    (tmp_path / "out").mkdir()
    path = tmp_path / "bao-cao.docx"
    path.write_bytes(b"PK")
    return path


def test_a_failed_start_is_tried_again_in_a_new_profile(tmp_path: Path, source: Path) -> None:
    """soffice exits 1 having half-written the PDF: the second start, in a new profile, makes it."""
    program = fake_soffice(
        tmp_path,
        'echo "%PDF-1" > "$outdir/bao-cao.pdf"; echo "Fatal exception: Signal 11" >&2; exit 1',
        WRITE,
    )
    done = convert(str(program), source, "pdf", tmp_path / "out", timeout=30)
    assert done.output == tmp_path / "out" / "bao-cao.pdf"
    assert done.output.read_text() == "%PDF-1.7\n"
    profiles = (tmp_path / "starts").read_text().splitlines()
    assert profiles == [
        f"-env:UserInstallation={(tmp_path / 'out' / f'profile-{n}').as_uri()}" for n in (1, 2)
    ]


def test_two_failed_starts_say_what_soffice_said(tmp_path: Path, source: Path) -> None:
    """Twice non-zero: no file, the exit code and soffice's last message (not the Java warning),
    and everything it printed for a test or a log."""
    program = fake_soffice(tmp_path, 'echo "Fatal exception: Signal 6" >&2; exit 1')
    done = convert(str(program), source, "pdf", tmp_path / "out", timeout=30)
    assert done.output is None
    assert done.detail == "mã thoát 1: Fatal exception: Signal 6"
    assert "javaldx" in done.log and "Signal 6" in done.log
    assert len((tmp_path / "starts").read_text().splitlines()) == 2


def test_a_file_soffice_cannot_open_is_not_tried_twice(tmp_path: Path, source: Path) -> None:
    """Exit 0 and no file (soffice could not load the source): one start, and its message."""
    program = fake_soffice(tmp_path, 'echo "Error: source file could not be loaded" >&2; exit 0')
    done = convert(str(program), source, "pdf", tmp_path / "out", timeout=30)
    assert (done.output, done.code, done.said) == (None, 0, "Error: source file could not be loaded")
    assert len((tmp_path / "starts").read_text().splitlines()) == 1
