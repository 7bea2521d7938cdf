"""Build the importer's test plans from their specs: Word, PDF, scan, text, and their gold.

    .venv/bin/python -m scripts.build_import_documents            # every spec
    .venv/bin/python -m scripts.build_import_documents kh-phong-thu-dan-su

A spec (tests/importer/documents/specs/<name>.yaml) is a plan written by hand in the shape real
plans take, with what each task and report duty means beside its words. From it this script
writes, in tests/importer/documents/:

- <name>.docx — header (issuing body, number / Quốc hiệu, place and date) and signature block
  in borderless layout tables, a Quyết định first when the plan is issued through one, the
  body, and an appendix table with group rows merged across, lead cells merged down;
- <name>.pdf — printed from the .docx by LibreOffice (soffice --headless);
- <name>.scan.pdf — that PDF rasterised (pdftoppm, 200 dpi, grayscale), slightly rotated and
  speckled, saved as images only (Pillow): black and white, or grayscale when the spec says
  ``scan: gray`` (ten times larger);
- <name>.txt — the text LibreOffice exports from the .docx (tables one cell per line);
- <name>.md — the .docx as a legal portal publishes it (scripts/portal_markdown.py);

and the gold, tests/importer/gold/documents/<name>.yaml, in the format of
planflow/importer/accuracy.py. Needs soffice and pdftoppm (Debian: libreoffice, poppler-utils).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import docx
import yaml
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from PIL import Image, ImageFilter

from scripts.portal_markdown import portal_markdown

REPO = Path(__file__).resolve().parent.parent
DOCUMENTS = REPO / "tests" / "importer" / "documents"
SPECS = DOCUMENTS / "specs"
GOLD = REPO / "tests" / "importer" / "gold" / "documents"
GOLD_KEYS = ("when", "start", "due", "every", "days")  # what a time means, copied to the gold
SCAN_DPI = 200


def _paragraph(doc: Any, text: str, bold: bool = False, italic: bool = False, center: bool = False) -> None:
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _cell_lines(cell: Any, lines: list[str], bold: bool = False, italic: bool = False) -> None:
    """Fill a layout cell with centred lines (the first replaces the empty paragraph)."""
    for i, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(line)
        run.bold, run.italic = bold and not line.startswith("Số"), italic


def _borderless(table: Table) -> None:
    """Layout tables print no lines (Decree 30/2020 header and signature)."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _header(doc: Any, head: dict[str, Any]) -> None:
    """Issuing body and number left; Quốc hiệu, motto and place-date right."""
    table = doc.add_table(rows=2, cols=2)
    _borderless(table)
    _cell_lines(table.cell(0, 0), [*head["issuer"], "-------"], bold=True)
    _cell_lines(
        table.cell(0, 1),
        ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "---------------"],
        bold=True,
    )
    _cell_lines(table.cell(1, 0), [f"Số: {head['number']}" if head.get("number") else ""])
    if head.get("date"):
        _cell_lines(table.cell(1, 1), [_place_date(head["place"], head["date"])], italic=True)


def _place_date(place: str, day: Any) -> str:
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _signature(doc: Any, sign: dict[str, Any], distribution: list[str]) -> None:
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    left = table.cell(0, 0)
    left.paragraphs[0].add_run("Nơi nhận:").bold = True
    for line in distribution:
        left.add_paragraph(line)
    _cell_lines(table.cell(0, 1), [*sign["titles"], "", "", sign["name"]], bold=True)


def _page_break(doc: Any) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _body(doc: Any, sections: list[dict[str, Any]]) -> None:
    for section in sections:
        _paragraph(doc, section["heading"], bold=True)
        for item in section.get("items", []):
            if isinstance(item, str):
                _paragraph(doc, item)
            elif "heading" in item:
                _paragraph(doc, item["heading"], bold=True)
            else:
                _paragraph(doc, item["text"])


def _cells_of(row: dict[str, Any], key: str) -> str:
    value = row.get(f"{key}_text", row.get(key, ""))
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)


def _appendix(doc: Any, appendix: dict[str, Any]) -> None:
    """The task table: group rows merged across, equal lead cells merged down."""
    section = doc.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.left_margin, section.right_margin = Cm(2), Cm(2)
    for i, line in enumerate(appendix["title"]):
        _paragraph(doc, line, bold=i < 2, italic=line.startswith("("), center=True)
    columns = appendix["columns"]
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = _widths([column["key"] for column in columns])
    for c, column in enumerate(columns):
        table.columns[c].width = widths[c]
        table.cell(0, c).paragraphs[0].add_run(column["header"]).bold = True
    keys = [column["key"] for column in columns]
    previous: dict[str, tuple[int, str]] = {}
    for row in appendix["rows"]:
        cells = table.add_row().cells
        if "group" in row:
            cells[0].paragraphs[0].add_run(row["group"]["label"]).bold = True
            merged = cells[1].merge(cells[-1])
            merged.paragraphs[0].add_run(row["group"]["title"]).bold = True
            previous.clear()
            continue
        task = row.get("task") or row["heading"]
        for c, key in enumerate(keys):
            text = task.get("label", "") if key == "label" else _cells_of(task, key)
            merge_down = key in appendix.get("merge", []) and key in previous and previous[key][1] == text
            if merge_down and text:
                above = table.cell(previous[key][0], c)
                above.merge(cells[c])
                continue
            cells[c].paragraphs[0].add_run(text).bold = "heading" in row
            previous[key] = (len(table.rows) - 1, text)
    for row_cells in table.rows:
        for c, cell in enumerate(row_cells.cells):
            cell.width = widths[c]


def _widths(keys: list[str]) -> list[Cm]:
    """Column widths on landscape A4 (25.7 cm between margins): a narrow number, a wide title."""
    fixed = {"label": 1.3, "title": 8.5}
    rest = (25.7 - sum(fixed.get(k, 0) for k in keys)) / max(1, sum(k not in fixed for k in keys))
    return [Cm(fixed.get(k, rest)) for k in keys]


def build_docx(spec: dict[str, Any], path: Path) -> None:
    doc = docx.Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    for section in doc.sections:  # A4, margins of Decree 30/2020
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(2)
    if spec.get("decision"):
        decision = spec["decision"]
        _header(doc, decision["header"])
        for line in decision["title"]:
            _paragraph(doc, line, bold=True, center=True)
        for line in decision["body"]:
            _paragraph(doc, line, italic=line.startswith("Căn cứ"))
        _signature(doc, decision["signature"], decision["distribution"])
        _page_break(doc)
    _header(doc, spec["header"])
    for i, line in enumerate(spec["title"]):
        _paragraph(doc, line, bold=i < 2, italic=line.startswith("("), center=True)
    for line in spec.get("preamble", []):
        _paragraph(doc, line)
    _body(doc, spec["sections"])
    if spec.get("signature"):
        _signature(doc, spec["signature"], spec["distribution"])
    if spec.get("appendix"):
        _appendix(doc, spec["appendix"])
    doc.save(str(path))


def _soffice(source: Path, target_format: str, outdir: Path) -> Path:
    """Convert with LibreOffice in a private profile (other soffice processes may run)."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
             target_format, "--outdir", str(outdir), str(source)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    return outdir / f"{source.stem}.{target_format.split(':')[0]}"


def build_scan(pdf: Path, path: Path, seed: int, gray: bool) -> None:
    """Pages as a scanner gives them: read in grayscale, a slight tilt, speckles; stored
    black and white (CCITT G4, ~20 KB a page) or, with ``gray``, as grayscale JPEG."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["pdftoppm", "-r", str(SCAN_DPI), "-gray", "-png", str(pdf), f"{tmp}/page"],
            check=True, timeout=300,
        )  # fmt: skip
        pages = []
        for png in sorted(Path(tmp).glob("page*.png")):
            image = Image.open(png).convert("L")
            image = image.rotate(rng.uniform(-0.6, 0.6), fillcolor=255, resample=Image.Resampling.BILINEAR)
            pixels = image.load()
            assert pixels is not None
            for _ in range(image.width * image.height // 4000):
                pixels[rng.randrange(image.width), rng.randrange(image.height)] = rng.randrange(0, 120)
            image = image.filter(ImageFilter.SMOOTH)
            pages.append(image if gray else image.point(lambda v: 255 if v > 200 else 0).convert("1"))
    options = {"quality": 40} if gray else {}
    pages[0].save(path, "PDF", resolution=SCAN_DPI, save_all=True, append_images=pages[1:], **options)


def gold_of(spec: dict[str, Any], name: str) -> dict[str, Any]:
    """The gold file: what the spec says each task and duty means, in the harness's format."""
    tasks = [item for section in spec["sections"] for item in section.get("items", []) if _is_task(item)]
    if spec.get("appendix"):
        tasks += [row["task"] for row in spec["appendix"]["rows"] if "task" in row]
    return {
        "files": [f"documents/{name}.{suffix}" for suffix in ("txt", "md", "docx", "pdf", "scan.pdf")],
        "units": spec.get("units"),
        "plan": spec["plan"],
        "tasks": [_gold_item(t, ("label", "title", "also", "lead", "support", "time")) for t in tasks],
        "reports": [_gold_item(r, ("label", "who", "to", "time")) for r in spec.get("reports", [])],
    }


def _is_task(item: Any) -> bool:
    return isinstance(item, dict) and "title" in item


def _gold_item(item: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: item[k] for k in (*keys, *GOLD_KEYS) if k in item}


def build(name: str) -> list[Path]:
    spec = yaml.safe_load((SPECS / f"{name}.yaml").read_text(encoding="utf-8"))
    DOCUMENTS.mkdir(parents=True, exist_ok=True)
    GOLD.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = work / f"{name}.docx"
        build_docx(spec, source)
        pdf = _soffice(source, "pdf", work)
        text = _soffice(source, "txt:Text (encoded):UTF8", work)
        build_scan(pdf, work / f"{name}.scan.pdf", sum(map(ord, name)), spec.get("scan") == "gray")
        portal = work / f"{name}.md"
        portal.write_text(portal_markdown(source), encoding="utf-8")
        written = []
        for built in (source, pdf, text, portal, work / f"{name}.scan.pdf"):
            target = DOCUMENTS / built.name
            shutil.copyfile(built, target)
            written.append(target)
    header = f"# Gold of the built plan {name}: generated from specs/{name}.yaml by\n"
    header += "# scripts/build_import_documents.py; edit the spec, not this file.\n"
    gold_path = GOLD / f"{name}.yaml"
    gold_path.write_text(
        header + yaml.safe_dump(gold_of(spec, name), allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    return [*written, gold_path]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help="spec names (default: all)")
    args = parser.parse_args(argv)
    names = args.names or sorted(p.stem for p in SPECS.glob("*.yaml"))
    for name in names:
        for path in build(name):
            print(f"{path.relative_to(REPO)}  {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
