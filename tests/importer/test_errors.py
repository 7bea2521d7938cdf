"""What the importer refuses, and how it says so: a message and exit code 1, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.runner import run_cli


def _import(*args: str) -> tuple[int, str]:
    code, out, err = run_cli("import", *args)
    assert "Traceback" not in out + err
    return code, err


def test_missing_file(tmp_path: Path) -> None:
    """A path that does not exist is named."""
    code, err = _import(str(tmp_path / "khong-co.pdf"))
    assert code == 1
    assert f"{tmp_path / 'khong-co.pdf'}: không có file này; kiểm tra lại đường dẫn" in err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # an empty text file
        ("trong.txt", b"  \n\n", "file không có chữ nào"),
        # a .doc (old Word) that is cut short
        ("cu.doc", b"\xd0\xcf\x11\xe0", "không mở được file Word (.doc hỏng hoặc không phải .doc)"),
        # a kind of file no reader takes
        ("bang.xlsx", b"PK\x03\x04", "không đọc được loại file '.xlsx'"),
        # a .docx that is no zip archive
        ("hong.docx", b"not a zip", "không mở được file Word"),
        # a .pdf that is not a PDF
        ("hong.pdf", b"hello", "không mở được file PDF"),
        # a text file in another encoding
        ("latin.txt", "Kế hoạch".encode("cp1258", errors="ignore") + b"\xff\xfe\xfa", "không phải mã UTF-8"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    """Empty, broken or unsupported files get a message saying what to do."""
    path = tmp_path / name
    path.write_bytes(content)
    code, err = _import(str(path))
    assert code == 1
    assert message in err


def test_not_a_plan(tmp_path: Path) -> None:
    """A report (BÁO CÁO) is not a plan: the document type is named."""
    path = tmp_path / "bao-cao.txt"
    path.write_text("UBND XÃ LỘC TẤN\nBÁO CÁO\nKết quả thực hiện Kế hoạch chuyển đổi số năm 2025\n"
                    "I. KẾT QUẢ\n1. Đã tổ chức 3 lớp tập huấn.\n", encoding="utf-8")  # fmt: skip
    code, err = _import(str(path))
    assert code == 1
    assert "văn bản này là Báo cáo, không phải Kế hoạch" in err


def test_plan_without_tasks(tmp_path: Path) -> None:
    """A text that says KẾ HOẠCH but lists no activity is refused."""
    path = tmp_path / "rong.txt"
    path.write_text(
        "KẾ HOẠCH\nVề việc tổ chức hội nghị\nI. MỤC ĐÍCH\n- Nâng cao nhận thức.\n", encoding="utf-8"
    )
    code, err = _import(str(path))
    assert code == 1
    assert "không tìm thấy nhiệm vụ nào" in err
