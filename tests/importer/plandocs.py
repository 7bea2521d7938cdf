"""A plan as an office holds it, built at test time: a Word file with the header and the
signature in borderless layout tables, an appendix table with merged cells (made by
scripts/plandocs.py, which the benchmark uses too), printed to PDF by LibreOffice and
rasterised into a scan (pdftoppm) when a test needs those."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from PIL import Image

from planflow.soffice import convert
from scripts.plandocs import LONG_PARAGRAPH, plan_docx, task_rows

__all__ = [
    "LONG_PARAGRAPH",
    "SOFFICE",
    "add_text_box",
    "need_soffice",
    "need_tesseract",
    "nest_in_frame",
    "plan_docx",
    "task_rows",
    "to_pdf",
    "to_scan",
]

SOFFICE = shutil.which("soffice")


def add_text_box(path: Path, text: str) -> Path:
    """The Word file with a DrawingML text box (and its VML fallback) after the title."""
    document = docx.Document(str(path))
    anchor = next(p for p in document.paragraphs if p.text == "KẾ HOẠCH")
    box = (
        f'<w:r {nsdecls("w", "wp", "a", "pic")} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent><mc:Choice Requires="wps">'
        '<w:drawing><wp:inline><wp:extent cx="2000000" cy="400000"/><wp:docPr id="9" name="Box"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></wps:txbx>"
        "<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    anchor._p.append(parse_xml(box))
    document.save(str(path))
    return path


def nest_in_frame(path: Path) -> Path:
    """The Word file with its appendix table moved into a one-cell frame table, and a
    second copy nested in a cell of a two-column table."""
    document = docx.Document(str(path))
    appendix = document.tables[-1]
    frame = document.add_table(rows=1, cols=1)
    frame.cell(0, 0)._tc.append(copy.deepcopy(appendix._tbl))
    frame.cell(0, 0)._tc.append(parse_xml(f"<w:p {nsdecls('w')}/>"))
    appendix._tbl.getparent().remove(appendix._tbl)
    document.save(str(path))
    return path


def to_pdf(source: Path, folder: Path) -> Path:
    """The Word file printed to PDF by LibreOffice (headless), as planflow converts reports:
    a profile of its own, one more try when soffice fails on a busy machine."""
    assert SOFFICE is not None
    done = convert(SOFFICE, source, "pdf", folder, timeout=180)
    assert done.output is not None, f"LibreOffice made no PDF of {source}, {done.detail}:\n{done.log}"
    return done.output


def to_scan(pdf: Path, target: Path, dpi: int = 300) -> Path:
    """Each page of the PDF as a greyscale picture, the pictures bound into a PDF with no
    text layer, as a scanner makes it."""
    prefix = target.parent / f"{target.stem}-page"
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(prefix)], check=True, timeout=180
    )
    pages = sorted(target.parent.glob(f"{prefix.name}*.png"))
    images = [Image.open(p).convert("L") for p in pages]
    images[0].save(target, save_all=True, append_images=images[1:], resolution=dpi)
    return target


def need_soffice() -> None:
    """Skip without LibreOffice, unless CI requires it (then fail)."""
    if SOFFICE is None:
        if os.environ.get("PLANFLOW_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is required (PLANFLOW_REQUIRE_LIBREOFFICE) but soffice is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")


def need_tesseract() -> None:
    """Skip without Tesseract and its Vietnamese model (and pdftoppm), unless CI requires them."""
    found = shutil.which("tesseract") and shutil.which("pdftoppm")
    if found:
        languages = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
        found = "vie" in languages.stdout.split()
    if not found:
        if os.environ.get("PLANFLOW_REQUIRE_TESSERACT"):
            pytest.fail(
                "tesseract-ocr, tesseract-ocr-vie and poppler-utils are required (PLANFLOW_REQUIRE_TESSERACT)"
            )
        pytest.skip("tesseract with Vietnamese (tesseract-ocr-vie) or pdftoppm is not installed")
