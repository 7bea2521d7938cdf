"""One file converted by LibreOffice running headless (``soffice --convert-to``), in a private
profile so that parallel conversions do not collide.

LibreOffice now and then exits non-zero on a busy machine having converted nothing (or
something it may not have finished writing): the conversion is then tried once more, in a
new profile. A file LibreOffice cannot open is no such case: it exits 0 having written
nothing, and trying again would only say so twice.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

ATTEMPTS = 2
# Printed by every start on a machine without Java: no news about the conversion.
_NOISE = ("Warning: failed to launch javaldx",)


@dataclass(frozen=True)
class Conversion:
    """The converted file, or None, LibreOffice's exit code and its last message."""

    output: Path | None
    code: int = 0
    said: str = ""
    log: str = ""
    """Everything LibreOffice printed on the last attempt (stderr, then stdout)."""

    @property
    def detail(self) -> str:
        """What LibreOffice said, for an error message."""
        return f"mã thoát {self.code}: {self.said or 'không có thông báo'}"


def convert(program: str, source: Path, to: str, folder: Path, *, timeout: float) -> Conversion:
    """``source`` converted to the format ``to`` (an extension: pdf, docx) in ``folder``, which
    also holds the profiles (not ``source``'s own folder when ``source`` has the extension
    ``to``). subprocess.TimeoutExpired when one attempt takes over ``timeout``."""
    target = folder / f"{source.stem}.{to}"
    if target == source:
        raise ValueError(f"{source} would be converted onto itself")
    failed = Conversion(None)
    for attempt in range(1, ATTEMPTS + 1):
        target.unlink(missing_ok=True)
        profile = (folder / f"profile-{attempt}").as_uri()
        command = [program, f"-env:UserInstallation={profile}", "--headless", "--convert-to", to,
                   "--outdir", str(folder), str(source)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode == 0 and target.is_file():
            return Conversion(target)
        said = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        said = [line for line in said if not line.startswith(_NOISE)]
        failed = Conversion(None, done.returncode, said[-1] if said else "", done.stderr + done.stdout)
        if done.returncode == 0:
            break  # it could not open the file: the same again
    return failed
