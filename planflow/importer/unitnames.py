"""Unit names in a plan's text: split a list of them, tell units from collectives and
from things that are no unit at all, and match them to a unit directory.

"Trung tâm Phục vụ hành chính công, các cơ quan, đơn vị và các ấp trên địa bàn xã" is
three names, and the comma inside "các cơ quan, đơn vị" does not split it: a bare
generic noun ("đơn vị", "ban", "ngành", "phường") belongs to the plural before it. With
a directory, the longest run of pieces that is a known name wins ("Báo và Đài Phát thanh,
Truyền hình tỉnh" is one body).

Matching is forgiving where documents are sloppy: case, dash variants and tone-mark
placement (through :func:`planflow.units.unit_key`), the usual abbreviations (UBND,
VH-XH, HCC, KH&CN, MTTQVN …), the commune's name added or left out, and one-letter
typos ("phụ vụ" for "phục vụ", "21 áp" for "21 ấp").

A name in no directory is looked up in the shipped list of usual names
(:mod:`planflow.importer.usualnames`): it keeps a known body in one piece ("Sở Văn hóa,
Thể thao và Du lịch", "Văn phòng HĐND và UBND") and gives a proposed unit its kind. Labels
and verbs around a name ("Đơn vị chủ trì:", "Phối hợp với", "theo chức năng, nhiệm vụ được
giao") are no part of it.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from planflow.importer.usualnames import UsualUnit, usual_unit, usual_units
from planflow.importer.usualnames import expand as expand  # re-exported: callers compare names with it
from planflow.schema import Unit, UnitDirectory, UnitKind
from planflow.units import unit_key
from planflow.when import normalize

# Words that open the name of a body; anything else is no unit ("Phần mềm AI").
_UNIT_HEADS = re.compile(
    r"^(?:các |những |toàn bộ |toàn thể |một số )?(?:"
    r"phòng|ban|trung tâm|văn phòng|ủy ban|uỷ ban|ubnd|ub|ubmttq|hđnd|hội đồng|sở|bộ|cục|chi cục|tổng cục|"
    r"công an|quân sự|ban chỉ huy|bchqs|đảng ủy|đảng bộ|đảng|đoàn|chi đoàn|hội|liên đoàn|mặt trận|tổ|đội|"
    r"trường|trạm|bệnh viện|bưu điện|bưu chính|viễn thông|vnpt|viettel|mobifone|báo|đài|hiệp hội|"
    r"doanh nghiệp|công ty|tập đoàn|ngân hàng|chi nhánh|hợp tác xã|htx|ấp|thôn|khu phố|tổ dân phố|bản|"
    r"xã|phường|thị trấn|huyện|tỉnh|thành phố|lãnh đạo|thường trực|tt\.?|chủ tịch|ct|pct|cơ quan|"
    r"đơn vị|ngành|sở, ban|nhiệm vụ áp dụng|cán bộ|công chức|đảng viên|tập thể|nhân dân|người dân|"
    r"ban biên tập|ban chỉ đạo|tổ công tác|kho bạc|chi cục thuế|thuế|điện lực|cổng|liên hiệp|viện|học viện|"
    r"đại học|thanh tra|kiểm toán|thủ tướng|chính phủ|đặc khu|cấp xã|cấp tỉnh|bảo hiểm|tòa án|mobifone|"
    r"tỉnh ủy|huyện ủy|thành ủy|bộ chỉ huy|bộ đội|đồn biên phòng|quỹ|nhà văn hóa|thư viện|bảo tàng|"
    r"liên minh|thành đoàn|tỉnh đoàn|huyện đoàn"
    r")\b",
)
# Phrases naming many bodies or many people at once: collectives, never new units.
_COLLECTIVE = re.compile(
    r"^(?:các|những|toàn thể|tập thể|toàn bộ|một số)\b|liên quan\b|(?<!ban )(?<!đồng )nhân dân|người dân|"
    r"cán bộ|công chức|"
    r"viên chức|đảng viên|đoàn viên|hội viên|học sinh|sinh viên|người lao động|cá nhân|tổ chức, cá nhân|"
    r"\bcơ quan\s*$|\bđơn vị\s*$|sở, ban, ngành|xã, phường|nhiệm vụ áp dụng chung",
)
# Bare generic nouns that continue a plural list: "các cơ quan, đơn vị", "sở, ban, ngành".
_GENERIC = re.compile(
    r"^(?:đơn vị|ban|ngành|phường|thị trấn|đoàn thể|trường học|cơ quan|tổ chức|viên chức|công chức|"
    r"người lao động|doanh nghiệp|địa phương|ban ngành|ban chuyên môn(?: xã)?|cá nhân|chuyên môn|đặc khu|xã|"
    r"thành phố(?: trực thuộc trung ương)?|"
    r"hội viên|đoàn viên)\b"
)
_PEOPLE = re.compile(
    r"^(?:toàn thể\s+)?(?:đảng viên|cán bộ|công chức|viên chức|người lao động|nhân dân|người dân|đoàn viên|"
    r"hội viên|học sinh|sinh viên|giáo viên)\b"
)
# Names that point at no one body to hold to account: "các cơ quan, đơn vị liên quan",
# "cơ quan có thẩm quyền", a bare "Viện", "Trường", "Doanh nghiệp".
_VAGUE = re.compile(
    r"liên quan\b|có thẩm quyền|^(?:các|những)\s+(?:cơ quan|đơn vị|tổ chức|địa phương|ngành|bộ phận)\b|"
    r"^(?:cơ quan|đơn vị|tổ chức|viện|trường|doanh nghiệp|công ty|trung tâm|phòng|ban|sở|hội|ngành|"
    r"địa phương)(?:\s*(?:,|và)\s*(?:cơ quan|đơn vị|tổ chức|viện|trường|doanh nghiệp|công ty|địa phương))*$"
)
_SEPARATORS = re.compile(r"(\s*;\s*|\s*,\s*|\s*…\s*|\s*\.\.\.\s*|\s+và\s+|\s+cùng\s+)")


_LEVELS = "|".join(unit_key(w) for w in ("xã", "phường", "thị trấn", "huyện", "tỉnh"))


class NameKind(StrEnum):
    UNIT = "unit"  # one body: matched, or a new unit to add to the directory
    COLLECTIVE = "collective"  # many bodies or people named at once
    NOT_UNIT = "not_unit"  # no body at all ("Phần mềm AI")


@dataclass(frozen=True)
class UnitRef:
    """One name of a unit list and what it refers to."""

    name: str
    kind: NameKind
    unit_id: str | None = None  # the directory unit it matched
    fuzzy: bool = False  # matched through a typo, an abbreviation or a name from before a merger
    usual: UsualUnit | None = None  # the body of the shipped list it names


class Matcher:
    """Matches names to the units of one directory (or to nothing, without one)."""

    def __init__(self, directory: UnitDirectory | None, place: str | None = None) -> None:
        self.directory = directory
        self._keys: dict[str, Unit] = {}
        self._place = expand(place) if place else None
        self._span = 1  # the most list pieces a directory name has
        for unit in directory.units if directory else []:
            for spelling in (unit.name, *unit.aliases):
                self._span = max(self._span, _piece_count(spelling))
                for key in self._variants(spelling):
                    self._keys.setdefault(key, unit)

    def _variants(self, name: str) -> set[str]:
        key = expand(name)
        variants = {key}
        stripped = re.sub(r"^(?:các|những)\s+", "", key)
        variants.add(stripped)
        for variant in list(variants):
            if self._place:
                variants.add(re.sub(rf"\s+(?:{_LEVELS})?\s*{re.escape(self._place)}$", "", variant))
            variants.add(re.sub(rf"\s+(?:{_LEVELS})$", "", variant))
        return {v for v in variants if v}

    def find(self, name: str) -> tuple[Unit | None, bool]:
        """The unit named ``name`` and whether the match was approximate."""
        variants = self._variants(name)
        for variant in sorted(variants, key=len, reverse=True):
            if variant in self._keys:
                return self._keys[variant], False
        if not self._keys:
            return None, False
        usual = usual_unit(name)
        if usual is not None:
            for spelling in (usual[0].name, *usual[0].aliases):
                for variant in self._variants(spelling):
                    if variant in self._keys:
                        return self._keys[variant], usual[1]
        key = expand(name)
        if len(key) >= 8:
            close = difflib.get_close_matches(key, list(self._keys), n=1, cutoff=0.9)
            if close and _one_slip(key, close[0]):
                return self._keys[close[0]], True
        return None, False

    def refs(self, text: str) -> list[UnitRef]:
        """The names of a unit list ("A, B và các cơ quan, đơn vị liên quan") and their units."""
        pieces = _pieces(text)
        out: list[UnitRef] = []
        i = 0
        while i < len(pieces):
            matched = self._longest_known(pieces, i)
            if matched is not None:
                name, unit, fuzzy, i = matched
                out.append(UnitRef(name, NameKind.UNIT, unit.id, fuzzy, usual=_usual_of(name)))
                continue
            usual = _longest_usual(pieces, i)
            if usual is not None:
                name, body, former, i = usual
                kind = _usual_kind(name, body)
                out.append(UnitRef(name, kind, fuzzy=former, usual=body))
                continue
            start = i
            i += 1
            while (
                i < len(pieces)
                and _continues(pieces, start, i)
                and self._longest_known(pieces, i) is None
                and _longest_usual(pieces, i) is None
            ):
                i += 1
            out.append(self._classify(_join(pieces[start:i])))
        return _dedupe(_join_people(out))

    def _longest_known(self, pieces: list[tuple[str, str]], start: int) -> tuple[str, Unit, bool, int] | None:
        for end in range(min(len(pieces), start + self._span), start, -1):
            name = _join(pieces[start:end])
            unit, fuzzy = self.find(name)
            if unit is not None:
                return name, unit, fuzzy, end
        return None

    def _classify(self, name: str) -> UnitRef:
        """A name no list knows: a collective, a new unit (to review), or no body at all."""
        cut = _before_verb(name)
        if cut != name:
            unit, fuzzy = self.find(cut)
            if unit is not None:
                return UnitRef(cut, NameKind.UNIT, unit.id, fuzzy, usual=_usual_of(cut))
            found = usual_unit(cut)
            if found is not None:
                kind = _usual_kind(cut, found[0])
                return UnitRef(cut, kind, fuzzy=found[1], usual=found[0])
        name = cut
        lowered = normalize(name)
        if _COLLECTIVE.search(lowered):
            return UnitRef(name, NameKind.COLLECTIVE)
        if _UNIT_HEADS.match(lowered) or re.match(r"^[A-ZĐ]{2,}", name):
            return UnitRef(name, NameKind.UNIT)
        return UnitRef(name, NameKind.NOT_UNIT)

    def refs_glued(self, text: str) -> list[UnitRef]:
        """Like :meth:`refs`, also splitting names run together without a comma ("Phòng
        VH-XH các phòng, ban chuyên môn xã")."""
        out: list[UnitRef] = []
        for ref in self.refs(text):
            if ref.unit_id is None and " các " in ref.name:
                head, _, tail = ref.name.partition(" các ")
                unit, fuzzy = self.find(head)
                if unit is not None:
                    out.append(UnitRef(head, NameKind.UNIT, unit.id, fuzzy))
                    out += self.refs("các " + tail)
                    continue
            out.append(ref)
        return _dedupe(out)


@functools.cache
def _usual_span() -> int:
    """The most list pieces a usual name has ("Sở Văn hóa, Thể thao và Du lịch": three)."""
    spellings = [s for u in usual_units() for s in (u.name, *u.aliases, *u.former)]
    return max(_piece_count(s) for s in spellings)


def _piece_count(name: str) -> int:
    return len(_pieces(name)) or 1


# Lowercase verbs that end a body's name in a unit cell ("Phòng Kinh tế tham mưu"); "cung cấp dịch
# vụ" names providers ("các tổ chức cung cấp dịch vụ chi trả").
_VERB = re.compile(
    r"\s(?:chỉ đạo|thực hiện|tham mưu|phối hợp|triển khai|hướng dẫn|thẩm định|trình|cung cấp(?! dịch vụ)|"
    r"báo cáo|tổng hợp|chủ trì|theo dõi|đôn đốc|kiểm tra|xây dựng|rà soát|đảm bảo|bảo đảm)"
    r"(?=\s+[^\W\d_]|\s*$)"
)


def _before_verb(name: str) -> str:
    """The name without the action written after it: "UBND xã chỉ đạo các ấp thực hiện" →
    "UBND xã"; a verb followed by a proper name stays ("Tổ công tác thực hiện Đề án 06")."""
    for match in _VERB.finditer(name):
        rest = name[match.end() :].strip()
        if not rest or rest[0].islower():
            return name[: match.start()].strip() or name
    return name


def _longest_usual(pieces: list[tuple[str, str]], start: int) -> tuple[str, UsualUnit, bool, int] | None:
    """The longest run of pieces from ``start`` that is a name of the shipped list."""
    for end in range(min(len(pieces), start + _usual_span()), start, -1):
        name = _join(pieces[start:end])
        found = usual_unit(name)
        if found is not None:
            return name, found[0], found[1], end
    return None


def _usual_kind(name: str, usual: UsualUnit) -> NameKind:
    """A usual body named in the plural ("UBND các xã, phường", "cấp xã") is a collective;
    "Ủy ban nhân dân tỉnh" is one body, whatever "nhân dân" in it says."""
    plural = re.match(r"^(?:các|những)\b", normalize(name)) or " các " in f" {normalize(usual.name)} "
    return NameKind.COLLECTIVE if plural else NameKind.UNIT


def _usual_of(name: str) -> UsualUnit | None:
    found = usual_unit(name)
    return found[0] if found else None


# Labels and verbs written before a name, and qualifiers after it: no part of the name.
_LABEL = re.compile(
    r"^(?:(?:(?:cơ quan|đơn vị)(?:\s*/\s*(?:cơ quan|đơn vị))?\s+)?(?:chủ trì|phối hợp|thực hiện|hướng dẫn)"
    r"(?:\s+(?:thực hiện|phối hợp))?\s*:\s*|gồm\s*:?\s*|bao gồm\s*:?\s*)",
    re.IGNORECASE,
)
_LEAD_VERB = re.compile(
    r"^(?:(?:đề nghị|giao|chủ trì|phối hợp(?: chặt chẽ)?(?: với)?|cùng với|với|cùng)\s*,?\s+)+(?=\S)",
    re.IGNORECASE,
)
_QUALIFIER = re.compile(
    r"\s*(?:\(\s*(?:nếu có|chủ trì|phối hợp|cơ quan thường trực|thường trực|đầu mối)\s*\)|"
    r"theo chức năng,? nhiệm vụ(?: được giao| của (?:đơn vị|mình))?|"
    r"căn cứ chức năng,? nhiệm vụ(?: được giao)?)\s*$",
    re.IGNORECASE,
)


def clean_name(text: str) -> str:
    """A unit name without the label, verb or qualifier around it: "Đơn vị chủ trì: Sở Y tế"
    → "Sở Y tế"; "Phối hợp với các cơ quan liên quan theo chức năng nhiệm vụ được giao" →
    "các cơ quan liên quan"."""
    text = re.sub(r"\s+", " ", text).strip()
    text = _LABEL.sub("", text)
    text = _LEAD_VERB.sub("", text)
    previous = None
    while previous != text:
        previous, text = text, _QUALIFIER.sub("", text).strip(" ,;.")
    return text


def _pieces(text: str) -> list[tuple[str, str]]:
    """(separator before, piece) pairs; the separators are kept to rebuild names."""
    text = _shared_head(clean_name(text).rstrip(".;,"))
    # separators inside parentheses do not split: "các doanh nghiệp (Viettel, VNPT)"
    text = re.sub(r"\([^()]*\)", lambda m: m.group(0).replace(",", "\x00").replace(" và ", "\x01"), text)
    parts = _SEPARATORS.split(text)
    out: list[tuple[str, str]] = []
    separator = ""
    for index, part in enumerate(parts):
        if index % 2:
            separator = part.strip()
            continue
        piece = _LEAD_VERB.sub("", _LABEL.sub("", part.strip(" .;:-–")))
        piece = _QUALIFIER.sub("", piece).replace("\x00", ",").replace("\x01", " và ").strip()
        if piece:
            out.append((separator, piece))
    return out


_SHARED_HEAD = re.compile(r"^(?:các\s+)?(?P<head>Sở|Bộ|Phòng|Hội)\s*:\s*(?P<rest>.+)$", re.IGNORECASE)


def _shared_head(text: str) -> str:
    """ "Các Sở: Tài chính, Nội vụ, Y tế" → "Sở Tài chính, Sở Nội vụ, Sở Y tế"."""
    match = _SHARED_HEAD.match(text)
    if match is None:
        return text
    head = match.group("head").capitalize()
    names = [n.strip() for n in re.split(r"\s*[,;]\s*|\s+và\s+", match.group("rest")) if n.strip()]
    return ", ".join(f"{head} {name}" for name in names)


def _join(pieces: Iterable[tuple[str, str]]) -> str:
    out = ""
    for separator, piece in pieces:
        if not out:
            out = piece
        elif separator in (",", ";"):
            out = f"{out}{separator} {piece}"
        else:
            out = f"{out} {separator} {piece}"
    return out


def _continues(pieces: list[tuple[str, str]], start: int, i: int) -> bool:
    """Whether piece ``i`` still belongs to the name begun at ``start``: a bare generic noun
    ("đơn vị"), or a lowercase word after a plural ("các doanh nghiệp bưu chính, viễn thông")."""
    separator, piece = pieces[i]
    lowered = normalize(piece)
    if separator == ";":
        return False
    head = normalize(pieces[start][1])
    plural = re.match(r"^(?:các|những)\s", head) is not None
    if separator == "và" and not _UNIT_HEADS.match(lowered) and not plural:
        return True  # "Sở Khoa học và Công nghệ"
    if separator == "," and not plural and piece[:1].isupper() and not _UNIT_HEADS.match(lowered):
        return True  # "Viện Văn hóa, Nghệ thuật, Thể thao và Du lịch Việt Nam"
    if _GENERIC.match(lowered):
        return True
    return plural and piece[:1].islower() and not lowered.startswith(("các ", "những "))


def _join_people(refs: list[UnitRef]) -> list[UnitRef]:
    """ "Đảng viên, cán bộ, công chức … và toàn thể Nhân dân" is one collective of people."""
    out: list[UnitRef] = []
    for ref in refs:
        people = ref.unit_id is None and _PEOPLE.match(normalize(ref.name))
        if people and out and out[-1].unit_id is None and _PEOPLE.match(normalize(out[-1].name)):
            out[-1] = UnitRef(f"{out[-1].name}, {ref.name}", NameKind.COLLECTIVE)
        else:
            out.append(ref)
    return out


def _one_slip(a: str, b: str) -> bool:
    """At most two characters differ: a typo, not another unit."""
    matcher = difflib.SequenceMatcher(None, a, b)
    changed = sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")
    return changed <= 2


def _dedupe(refs: list[UnitRef]) -> list[UnitRef]:
    seen: set[str] = set()
    out = []
    for ref in refs:
        key = ref.unit_id or expand(ref.name)
        if key not in seen:
            seen.add(key)
            out.append(ref)
    return out


def is_vague(ref: UnitRef) -> bool:
    """A name kept as the plan writes it but naming no body that can be held to account
    (a list of kinds of bodies, "… liên quan"): a person must name the units."""
    return ref.unit_id is None and _VAGUE.search(normalize(ref.name)) is not None


def guess_kind(name: str) -> UnitKind:
    """The kind of a new unit: its kind in the shipped list, else from its first words."""
    usual = usual_unit(name)
    if usual is not None and usual[0].unit_kind is not None:
        return usual[0].unit_kind
    lowered = normalize(name)
    rules = (
        (r"^(?:các|những|toàn thể|tập thể)\b", UnitKind.GROUP),
        (r"^(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd)\b", UnitKind.PEOPLES_COMMITTEE),
        (r"^(?:ủy ban|ub|ubmttq)\s*(?:mặt trận|mttq)|^ubmttq|^mặt trận", UnitKind.FRONT),
        (r"^(?:hội đồng nhân dân|hđnd|thường trực hđnd)", UnitKind.PEOPLES_COUNCIL),
        (r"^(?:đảng ủy|đảng bộ|ban thường vụ|thường trực đảng ủy)", UnitKind.PARTY),
        (r"^(?:sở|ban quản lý)\b", UnitKind.PROVINCE_DEPARTMENT),
        (r"^bộ\b", UnitKind.MINISTRY),
        (r"^công an", UnitKind.POLICE),
        (r"^(?:ban chỉ huy quân sự|quân sự|bchqs)", UnitKind.MILITARY),
        (r"^(?:đoàn thanh niên|đoàn xã|hội |hội$|chi đoàn|liên đoàn|liên minh|(?:thành|tỉnh|huyện) đoàn)",
         UnitKind.MASS_ORGANISATION),
        (r"^trường", UnitKind.SCHOOL),
        (r"^(?:trạm y tế|bệnh viện|trung tâm y tế)", UnitKind.HEALTH),
        (r"^(?:ấp|thôn|khu phố|tổ dân phố|bản)\b", UnitKind.HAMLET),
        (r"^(?:tổ|đội|ban chỉ đạo|ban biên tập)\b", UnitKind.TEAM),
        (r"^văn phòng", UnitKind.OFFICE),
        (r"^trung tâm", UnitKind.CENTER),
        (r"^phòng", UnitKind.DEPARTMENT),
        (r"^(?:doanh nghiệp|công ty|tập đoàn|ngân hàng|chi nhánh|bưu điện|viễn thông|vnpt|viettel|"
         r"hợp tác xã)",
         UnitKind.ENTERPRISE),
        (r"^(?:lãnh đạo|chủ tịch|thường trực)", UnitKind.LEADERSHIP),
        (r"^(?:xã|phường|thị trấn)\b", UnitKind.COMMUNE),
    )  # fmt: skip
    for pattern, kind in rules:
        if re.match(pattern, lowered):
            return kind
    return UnitKind.EXTERNAL
