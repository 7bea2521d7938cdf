"""Ruled tables found on a page image from the ink alone: a tilted page is turned straight
first, a mark in one row is no column, and the rules are painted over before OCR."""

from __future__ import annotations

from PIL import Image, ImageDraw

from planflow.importer.read.grid import deskew, find_grids, has_ink, without_rules

# A landscape page at 300 dpi with a table of 5 columns and 6 rows, text-like blots in the cells.
XS = (200, 400, 1500, 2100, 2700, 3300)
YS = (600, 760, 920, 1080, 1240, 1400, 1560)


def _page(mark: bool = False) -> Image.Image:
    page = Image.new("L", (3508, 2480), 255)
    draw = ImageDraw.Draw(page)
    for x in XS:
        draw.rectangle((x - 1, YS[0], x + 1, YS[-1]), fill=0)
    for y in YS:
        draw.rectangle((XS[0], y - 1, XS[-1], y + 1), fill=0)
    for top in YS[:-1]:
        for left in XS[:-1]:
            for line in range(2):  # two "lines of text": short runs of letter-sized blots
                y = top + 40 + 50 * line
                for k in range(6):
                    draw.rectangle((left + 30 + 45 * k, y, left + 60 + 45 * k, y + 28), fill=0)
    if mark:  # a tall stroke in one cell of the fourth row, like a long "|" read off a stamp
        draw.rectangle((900, YS[3] + 3, 902, YS[4] - 3), fill=0)
    return page


def test_a_tilted_table_is_found_once_the_page_is_straight() -> None:
    """Half a degree of tilt drifts a rule some thirty pixels across the page: no table is
    found until the page is turned straight, then its columns and rows are all there."""
    tilted = _page().rotate(0.5, resample=Image.Resampling.BICUBIC, fillcolor=255)
    assert find_grids(tilted) == []
    (grid,) = find_grids(deskew(tilted))
    assert (grid.width, grid.height) == (len(XS) - 1, len(YS) - 1)


def test_a_straight_page_is_left_as_it_is() -> None:
    """A page scanned straight is not turned."""
    page = _page()
    assert deskew(page) is page


def test_a_mark_in_one_row_is_no_column() -> None:
    """A vertical stroke inside one cell does not split the whole table into one more column."""
    (grid,) = find_grids(_page(mark=True))
    assert grid.width == len(XS) - 1


def test_rules_are_painted_over_for_ocr() -> None:
    """Without its rules the page keeps the cells' writing and nothing of the table's lines."""
    page = _page()
    clean = without_rules(page, find_grids(page))
    rule = (XS[0] - 5, YS[2] - 4, XS[-1] + 5, YS[2] + 4)
    assert has_ink(page, rule) and not has_ink(clean, rule)
    assert has_ink(clean, (XS[1] + 20, YS[1] + 20, XS[2] - 20, YS[2] - 20))
