"""The shipped list of the usual names of bodies (``data/unit_names.yaml``).

A plan names bodies that are in no directory yet: the province's departments, the
commune's offices, ministries, the Fatherland Front, Viettel. The list gives each its
name as officials write it after the 2025 reorganisation, its abbreviations, the names
it replaced, and its kind, so that a name is recognised as one body (the commas of "Sở
Văn hóa, Thể thao và Du lịch" do not split it) and a proposed unit gets a sensible kind.

Names are compared by :func:`expand`: abbreviations written out, tone marks placed alike;
a place after the level word ("Công an tỉnh Đồng Nai") is ignored by :func:`usual_unit`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources

import yaml

from planflow.schema import UnitKind
from planflow.units import unit_key
from planflow.when import normalize

# libyaml's loader when installed: the pure-Python one takes half a second on this list.
_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BodyKind(StrEnum):
    """What sort of body a usual name is (see the head of ``unit_names.yaml``)."""

    DEPARTMENT = "department"
    COMMUNE_OFFICE = "commune_office"
    COMMUNE = "commune"
    PROVINCE_BODY = "province_body"
    MASS_ORGANISATION = "mass_organisation"
    ENTERPRISE = "enterprise"
    CENTRAL_BODY = "central_body"
    INSTITUTION = "institution"


@dataclass(frozen=True)
class UsualUnit:
    """One body of the shipped list."""

    name: str
    kind: BodyKind
    aliases: tuple[str, ...] = ()
    former: tuple[str, ...] = ()  # names it had before a merger

    @property
    def unit_kind(self) -> UnitKind | None:
        """The directory kind this body takes; None when the name's own words decide."""
        return {
            BodyKind.DEPARTMENT: UnitKind.PROVINCE_DEPARTMENT,
            BodyKind.MASS_ORGANISATION: UnitKind.MASS_ORGANISATION,
            BodyKind.ENTERPRISE: UnitKind.ENTERPRISE,
            BodyKind.CENTRAL_BODY: UnitKind.MINISTRY if self.name.startswith("Bộ ") else UnitKind.EXTERNAL,
        }.get(self.kind)


@functools.cache
def usual_units() -> tuple[UsualUnit, ...]:
    """The shipped list, read once."""
    text = resources.files("planflow.importer").joinpath("data/unit_names.yaml").read_text(encoding="utf-8")
    return tuple(
        UsualUnit(
            name=entry["name"],
            kind=BodyKind(entry["kind"]),
            aliases=tuple(entry.get("aliases", ())),
            former=tuple(entry.get("former", ())),
        )
        for entry in yaml.load(text, Loader=_LOADER)["units"]
    )


# Abbreviations of Vietnamese administrative names, expanded before comparing.
_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (r"ubmttqvn|ub mttqvn|ubmttq việt nam|ub mttq việt nam", "ủy ban mặt trận tổ quốc việt nam"),
    (r"ubmttq|ub mttq", "ủy ban mặt trận tổ quốc"),
    (r"mttqvn", "mặt trận tổ quốc việt nam"),
    (r"mttq", "mặt trận tổ quốc"),
    (r"ubnd", "ủy ban nhân dân"),
    (r"hđnd", "hội đồng nhân dân"),
    (r"vh-xh|vhxh", "văn hóa - xã hội"),
    (r"kh&cn|kh-cn|khcn|kh và cn", "khoa học và công nghệ"),
    (r"gd&đt|gd-đt|gdđt", "giáo dục và đào tạo"),
    (r"lđtb&xh|lđ-tb&xh", "lao động - thương binh và xã hội"),
    (r"hcc", "hành chính công"),
    (r"tthc", "thủ tục hành chính"),
    (r"cnscđ", "công nghệ số cộng đồng"),
    (r"cđs|cds", "chuyển đổi số"),
    (r"ptth", "phát thanh, truyền hình"),
    (r"ct-xh", "chính trị - xã hội"),
    (r"cntt", "công nghệ thông tin"),
    (r"ttđt", "thông tin điện tử"),
    (r"đu", "đảng ủy"),
    (r"vp", "văn phòng"),
    (r"uỷ", "ủy"),
)
_ABBREVIATION_RES = [(re.compile(rf"(?<![\w&-])(?:{p})(?![\w&-])"), full) for p, full in _ABBREVIATIONS]
_PARENS = re.compile(r"\(([^()]*)\)")


@functools.lru_cache(maxsize=8192)
def expand(name: str) -> str:
    """A comparison key with abbreviations written out and tone marks placed alike."""
    text = normalize(name)
    text = _PARENS.sub(" ", text)
    for pattern, full in _ABBREVIATION_RES:
        text = pattern.sub(full, text)
    text = re.sub(r"\s*-\s*", " - ", text)
    return unit_key(re.sub(r"\s+", " ", text).strip(" .,;:"))


# Words that end a name's level: "Công an tỉnh Đồng Nai" is "Công an tỉnh" of one place.
_LEVEL_WORDS = ("tỉnh", "thành phố", "xã", "phường", "đặc khu", "huyện", "thị trấn")


@functools.cache
def _usual_index() -> dict[str, tuple[UsualUnit, bool]]:
    """Comparison keys of the shipped list: name and aliases, and former names (True)."""
    index: dict[str, tuple[UsualUnit, bool]] = {}
    for unit in usual_units():
        for spelling in (unit.name, *unit.aliases):
            index.setdefault(expand(spelling), (unit, False))
        for spelling in unit.former:
            index.setdefault(expand(spelling), (unit, True))
    return index


def _without_place(name: str) -> list[str]:
    """The name without the place it belongs to: "Sở Y tế tỉnh Đồng Nai" → "Sở Y tế tỉnh",
    "Sở Y tế"; "Báo và Đài Phát thanh truyền hình Lạng Sơn" → "… truyền hình"."""
    words = name.split()
    out: list[str] = []
    lowered = [normalize(w) for w in words]
    for i in range(len(words) - 1, max(0, len(words) - 5), -1):
        if not words[i][:1].isupper() or words[i].isupper() or words[i - 1].endswith((",", ";")):
            break  # a place is a few capitalised words, not an abbreviation or a list's next name
        rest = words[:i]
        out.append(" ".join(rest))
        for level in _LEVEL_WORDS:
            size = len(level.split())
            if " ".join(lowered[i - size : i]) == level and i - size > 0:
                out.append(" ".join(words[: i - size]))
    for level in _LEVEL_WORDS:
        if normalize(name).endswith(f" {level}"):
            out.append(name[: -len(level) - 1])
    return out


@functools.lru_cache(maxsize=8192)
def usual_unit(name: str) -> tuple[UsualUnit, bool] | None:
    """The body of the shipped list that ``name`` names, and whether through a former name."""
    index = _usual_index()
    for variant in (name, *_without_place(name)):
        found = index.get(expand(variant))
        if found is not None:
            return found
    return None
