"""Reading numbers as Vietnamese documents write them: "4.430" is 4,430; "12,5" is 12.5.

Writing them is ``planflow.vnformat.number``."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+(,\d+)?")


def parse_vn_number(text: str) -> Decimal:
    """Parse a number with dot thousands and comma decimals; raises ValueError."""
    clean = text.strip().replace(" ", "").replace("\u00a0", "").rstrip("%")
    if _THOUSANDS.fullmatch(clean):
        clean = clean.replace(".", "")
    try:
        return Decimal(clean.replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"'{text}' không phải một số") from None
