"""The shipped list of the usual names of bodies (``data/unit_names.yaml``).

A plan names bodies that are in no directory yet: the province's departments, the
commune's offices, ministries, the Fatherland Front, Viettel. The list gives each its
name as officials write it after the 2025 reorganisation, its abbreviations, the names
it replaced, and its kind, so that a name is recognised as one body (the commas of "Sở
Văn hóa, Thể thao và Du lịch" do not split it) and a proposed unit gets a sensible kind.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources

import yaml

from planflow.schema import UnitKind

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
