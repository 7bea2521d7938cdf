"""Match the many spellings of a unit's name to one unit of a directory.

"Phòng Văn hóa - Xã hội", "Phòng Văn hóa – Xã hội", "phòng Văn hoá - xã hội" and
"Phòng VH-XH" are one unit. Matching ignores case, dash variants, spacing, final
punctuation and where the tone mark sits (hóa / hoá); abbreviations are listed as
aliases in the directory.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

from planflow.errors import NotFoundError
from planflow.schema import Plan, Unit, UnitDirectory, UnitKind
from planflow.when import normalize

# Combining tone marks: grave, acute, tilde, hook above, dot below.
_TONES = {"\u0300": "1", "\u0301": "2", "\u0303": "3", "\u0309": "4", "\u0323": "5"}


@lru_cache(maxsize=65536)
def unit_key(name: str) -> str:
    """A spelling-independent key: lower case, tone mark moved to the end of each word.

    Cached: compiling thousands of plans resolves the same few hundred names again and again."""
    text = normalize(name)
    text = re.sub(r"\s*-\s*", "-", text).strip(" .,;:")
    words = []
    for word in text.split(" "):
        decomposed = unicodedata.normalize("NFD", word)
        tones = "".join(_TONES[c] for c in decomposed if c in _TONES)
        bare = "".join(c for c in decomposed if c not in _TONES)
        words.append(unicodedata.normalize("NFC", bare) + tones)
    return " ".join(words)


class UnitIndex:
    """Resolves ids, names and aliases of one directory to units."""

    def __init__(self, directory: UnitDirectory) -> None:
        self.directory = directory
        self.by_id: dict[str, Unit] = {u.id: u for u in directory.units}
        self._by_key: dict[str, Unit] = {}
        for unit in directory.units:
            for spelling in (unit.name, *unit.aliases):
                self._by_key.setdefault(unit_key(spelling), unit)

    def find(self, ref: str) -> Unit | None:
        return self.by_id.get(ref) or self._by_key.get(unit_key(ref))

    def resolve(self, ref: str) -> Unit:
        """The unit named ``ref`` (id, name or alias), or NotFoundError with suggestions."""
        unit = self.find(ref)
        if unit is not None:
            return unit
        candidates = difflib.get_close_matches(unit_key(ref), list(self._by_key), n=1, cutoff=0.75)
        hint = f" Có phải '{self._by_key[candidates[0]].name}'?" if candidates else ""
        raise NotFoundError(
            f"đơn vị '{ref}' không có trong danh mục '{self.directory.id}'.{hint} "
            f"Thêm nó (hoặc một bí danh) vào definitions/units/{self.directory.id}.yaml"
        )


MONITOR_LABEL = "Cơ quan theo dõi"
"""How the monitoring body is labelled wherever it is shown (Phụ lục I's "Cơ quan theo
dõi, đánh giá, kiểm tra, tổng hợp báo cáo")."""


def monitor_names(plan: Plan, directory: UnitDirectory) -> dict[str, list[str]]:
    """Task id → the bodies that follow the task up (its ``monitor:``), named as the plan's
    own directory writes them; a name the directory lacks stays as the plan writes it."""
    index = UnitIndex(directory)
    out: dict[str, list[str]] = {}
    for task in plan.tasks:
        if task.monitor:
            out[task.id] = [unit.name if (unit := index.find(ref)) else ref for ref in task.monitor]
    return out


NOBODY_ACCOUNTABLE = "Chủ trì là một tập thể không nêu thành viên: chưa có đơn vị chịu trách nhiệm"
"""The mark on a task nobody answers for, wherever it is shown."""


def unaccountable_leads(plan: Plan, directory: UnitDirectory) -> dict[str, list[Unit]]:
    """Task id → its leads, for the tasks whose every lead is a collective with no named
    members ("Các cơ quan, đơn vị thuộc xã"): a reminder to such a group reaches nobody who
    answers for the task. ``planflow validate --strict`` lists them; the board marks them."""
    index = UnitIndex(directory)
    out: dict[str, list[Unit]] = {}
    for task in plan.tasks:
        leads = [index.find(ref) for ref in task.lead]
        if all(u is not None and u.kind is UnitKind.GROUP and not u.members for u in leads):
            out[task.id] = [u for u in leads if u is not None]
    return out
