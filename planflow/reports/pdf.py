"""PDF of a report: the filled Word document converted by LibreOffice headless (``soffice``),
so the PDF is what an office prints from the .docx. LibreOffice is an optional system
package; without it, asking for a PDF says how to install it instead of failing obscurely.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from planflow.errors import PlanflowError
from planflow.soffice import convert

TIMEOUT_SECONDS = 180
MISSING = (
    "không tạo được PDF: máy chưa cài LibreOffice (lệnh soffice). Cài gói libreoffice-writer "
    "(Debian/Ubuntu: apt-get install libreoffice-writer-nogui) rồi chạy lại, hoặc chọn định dạng docx "
    "và in PDF từ Word."
)


def soffice() -> str:
    """The LibreOffice executable, or PlanflowError saying how to install it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise PlanflowError(MISSING)
    return found


def docx_to_pdf(docx: bytes) -> bytes:
    """Convert a .docx to PDF in a private profile (parallel conversions do not collide)."""
    program = soffice()
    with tempfile.TemporaryDirectory(prefix="planflow-pdf-") as tmp:
        work = Path(tmp)
        source = work / "bao-cao.docx"
        source.write_bytes(docx)
        try:
            done = convert(program, source, "pdf", work, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise PlanflowError(
                f"LibreOffice không chuyển xong báo cáo sang PDF sau {TIMEOUT_SECONDS} giây; thử lại, "
                "hoặc đóng các cửa sổ LibreOffice đang mở trên máy chủ"
            ) from None
        if done.output is None:
            raise PlanflowError(f"LibreOffice không chuyển được báo cáo sang PDF ({done.detail})")
        return done.output.read_bytes()
