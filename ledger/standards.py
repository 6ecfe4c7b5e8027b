"""Each region's subsidy standards catalogue and shortage list, as versioned
data in `ledger/regions/standards/<region>.json` (H2: "《湖南省职业技能培训补贴
标准目录》"). `issue_voucher` takes the standard and the shortage flag from the
latest version and records that version on the voucher; a new catalogue is a
version appended to the file, so past vouchers keep theirs.

The figures in the packaged files are illustrative (see each file's notes): the
seeds name the catalogues without printing their amounts."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Mapping

from ledger.errors import NotFound
from ledger.occupations import LEVELS, occupations
from ledger.rules import REGIONS, InvalidProfile
from ledger.subsidy import MAX_STANDARD_FEN

_VERSION_KEYS = {"version", "catalogue", "rule", "notes", "rule_ids", "standards", "shortage"}


@dataclass(frozen=True)
class StandardsCatalogue:
    region: str
    version: str
    catalogue: str  # the published catalogue every value cites
    rule: str  # rule ID cited when an occupation/level is not catalogued or a standard exceeds it
    standards_fen: Mapping[tuple[str, int], int]  # (occupation code, level) -> standard in fen
    shortage: frozenset[str]  # occupation codes on the shortage list (H2: 紧缺职业)

    def standard_fen(self, occupation: str, level: int) -> int | None:
        return self.standards_fen.get((occupation, level))


def _parse_version(region: str, raw: dict) -> StandardsCatalogue:
    where = f"standards/{region}.json version {raw.get('version')!r}"
    if not isinstance(raw, dict) or set(raw) != _VERSION_KEYS:
        raise InvalidProfile(f"{where}: a version has exactly the keys {sorted(_VERSION_KEYS)}")
    if set(raw["rule_ids"]) != {"standards", "shortage"}:
        raise InvalidProfile(f"{where}: rule_ids cites both 'standards' and 'shortage'")
    table: dict[tuple[str, int], int] = {}
    for entry in raw["standards"]:
        key = (entry["occupation"], entry["level"])
        fen = entry["standard_fen"]
        if key[0] not in occupations() or key[1] not in LEVELS or key in table:
            raise InvalidProfile(f"{where}: {key} is not a catalogued occupation and level, or is listed twice")
        if type(fen) is not int or not 1 <= fen <= MAX_STANDARD_FEN:
            raise InvalidProfile(f"{where}: standard_fen of {key} must be whole fen from 1 to {MAX_STANDARD_FEN}")
        table[key] = fen
    if not set(raw["shortage"]) <= set(occupations()):
        raise InvalidProfile(f"{where}: the shortage list names an uncatalogued occupation")
    return StandardsCatalogue(region, raw["version"], raw["catalogue"], raw["rule"],
                              MappingProxyType(table), frozenset(raw["shortage"]))


@functools.lru_cache(maxsize=1)
def _packaged() -> dict[str, tuple[StandardsCatalogue, ...]]:
    folder = resources.files("ledger") / "regions" / "standards"
    table = {}
    for region in REGIONS:
        document = json.loads((folder / f"{region}.json").read_text("utf-8"))
        table[region] = tuple(_parse_version(region, raw) for raw in document["versions"])
    return table


def standards_for(region: str, version: str | None = None) -> StandardsCatalogue:
    """The region's standards catalogue at `version` (the latest when None)."""
    versions = _packaged().get(region, ())
    for catalogue in reversed(versions):
        if version is None or catalogue.version == version:
            return catalogue
    raise NotFound(f"region {region!r} has no standards catalogue{f' version {version!r}' if version else ''}")
