"""How each unit of a directory stands to the body the directory belongs to: its own
office, a unit it directs, a superior, or an outside body (``UnitRelation``).

A commune does not urge its province nor an enterprise: reminders and overdue notices go
only to the units it directs, the others get at most a polite coordination request. A
unit's ``relation:`` in the directory says it; unset, it follows this rule:

1. enterprises and ``external`` bodies are outside; a ministry is a superior; a Sở
   (``province_department``) is a superior of a commune and a unit of its province; a
   commune (``commune``) is a subordinate of its province and outside any other commune;
2. a unit of a higher level than the directory (its name says "tỉnh", "thành phố",
   "trung ương" or "khu vực", or starts with "Bộ" or "Chính phủ", in a commune's
   directory; starts with "Bộ" or says "Chính phủ", "trung ương" or "quốc gia" in a
   province's) is a superior when it is a state or Party body, else
   outside;
3. a group with a superior (else outside) member is a superior (else outside): the
   issuer does not chase a collective it cannot chase each member of;
4. a unit with a parent follows it: under a superior or an outside body it is the same;
   under its own body an office or the leadership is ``own``, anything else a subordinate;
5. otherwise by kind: the People's Committee, its leadership and office are ``own``; the
   Party committee and the People's Council of the same level are superiors (they lead
   and oversee the People's Committee); the Fatherland Front and mass organisations are
   outside (they coordinate, they are not directed); police and military of the same
   level, departments, centres, teams, hamlets, health stations and schools are
   subordinates (the plan assigns them their tasks); a group whose name names outside
   bodies ("doanh nghiệp", "ngân hàng", "hợp tác xã", "hiệp hội", …) is outside, any
   other group a subordinate.

The directory's level is its ``level:``, else read from its name ("Tỉnh …",
"Thành phố …": province; otherwise commune).
"""

from __future__ import annotations

import re

from planflow.schema import Unit, UnitDirectory, UnitKind, UnitRelation
from planflow.when import normalize

OWN, SUBORDINATE, SUPERIOR, OUTSIDE = (
    UnitRelation.OWN, UnitRelation.SUBORDINATE, UnitRelation.SUPERIOR, UnitRelation.OUTSIDE
)  # fmt: skip

_HIGHER = {
    "commune": re.compile(r"^(bộ|chính phủ)\b|\b(tỉnh|thành phố|trung ương|khu vực)\b"),
    "province": re.compile(r"^bộ\b|\b(chính phủ|trung ương|quốc gia)\b"),
}
_STATE = {UnitKind.PEOPLES_COMMITTEE, UnitKind.PEOPLES_COUNCIL, UnitKind.PARTY, UnitKind.DEPARTMENT,
          UnitKind.OFFICE, UnitKind.LEADERSHIP, UnitKind.GROUP, UnitKind.PROVINCE_DEPARTMENT,
          UnitKind.MINISTRY}  # fmt: skip
_BY_KIND = {
    UnitKind.PEOPLES_COMMITTEE: OWN, UnitKind.LEADERSHIP: OWN, UnitKind.OFFICE: OWN,
    UnitKind.PARTY: SUPERIOR, UnitKind.PEOPLES_COUNCIL: SUPERIOR,
    UnitKind.FRONT: OUTSIDE, UnitKind.MASS_ORGANISATION: OUTSIDE,
}  # fmt: skip
_OUTSIDE_GROUP = re.compile(
    r"\b(doanh nghiệp|ngân hàng|hợp tác xã|hiệp hội|tổ chức chính trị|đoàn thể|viện|đại học)\b"
)


def directory_level(directory: UnitDirectory) -> str:
    """``commune`` or ``province``: the directory's ``level``, else what its name says."""
    if directory.level is not None:
        return directory.level
    name = normalize(directory.name)
    return "province" if name.startswith(("tỉnh ", "thành phố ")) else "commune"


def unit_relations(directory: UnitDirectory) -> dict[str, UnitRelation]:
    """Every unit id of the directory → its relation (the stated one, else the default)."""
    by_id = {u.id: u for u in directory.units}
    level = directory_level(directory)
    found: dict[str, UnitRelation] = {}

    def relation(unit: Unit, seen: frozenset[str]) -> UnitRelation:
        if unit.id not in found:
            inner = seen | {unit.id}
            parent = by_id.get(unit.parent or "")
            above = relation(parent, inner) if parent and parent.id not in seen else None
            members = {relation(by_id[m], inner) for m in unit.members if m in by_id and m not in seen}
            undirected = next((r for r in (SUPERIOR, OUTSIDE) if r in members), None)
            found[unit.id] = unit.relation or undirected or default_relation(unit, level, above)
        return found[unit.id]

    return {u.id: relation(u, frozenset()) for u in directory.units}


def default_relation(unit: Unit, level: str, parent: UnitRelation | None) -> UnitRelation:
    """A unit's relation by the rule of this module, given its parent's (None: no parent)."""
    kind = unit.kind
    if kind in (UnitKind.ENTERPRISE, UnitKind.EXTERNAL):
        return OUTSIDE
    if kind is UnitKind.MINISTRY:
        return SUPERIOR
    if kind is UnitKind.PROVINCE_DEPARTMENT:
        return SUPERIOR if level == "commune" else SUBORDINATE
    if kind is UnitKind.COMMUNE:
        return SUBORDINATE if level == "province" else OUTSIDE
    if _HIGHER[level].search(normalize(unit.name)):
        return SUPERIOR if kind in _STATE else OUTSIDE
    if parent in (SUPERIOR, OUTSIDE):
        return parent
    if parent is not None:
        return OWN if kind in (UnitKind.OFFICE, UnitKind.LEADERSHIP) else SUBORDINATE
    if kind is UnitKind.GROUP and _OUTSIDE_GROUP.search(normalize(unit.name)):
        return OUTSIDE
    return _BY_KIND.get(kind, SUBORDINATE)
