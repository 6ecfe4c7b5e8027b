"""Roster files for the import tests and the 10,000-row timing
(scripts/time-import.py): the template's two header rows, then trainees of
Liaoning (the demo's `liaoning-bureau` issues them), electricians level 4;
rows named in `bad` carry a cell the roster refuses."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from api.demo_people import national_id
from api.imports.kinds import KINDS
from api.imports.plan import template_headers
from tests.world import ELECTRICIAN

BREAKAGES = ("level", "valid_until", "allowance_groups")


def roster_workbook(count: int, bad: dict[int, str] | None = None, serial: int = 950_000,
                    valid_until: date | None = None) -> Workbook:
    """`count` data rows from sheet row 3; `bad` maps a sheet row to the breakage of BREAKAGES it gets."""
    until = (valid_until or date.today() + timedelta(days=180)).isoformat()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("roster")
    headers = template_headers(KINDS["roster"])
    sheet.append([chinese for chinese, _ in headers])
    sheet.append([english for _, english in headers])
    for index in range(count):
        row = [f"学员{index}", national_id("liaoning", serial + index), ELECTRICIAN, "4", until, "", ""]
        broken = (bad or {}).get(index + 3)
        if broken == "level":
            row[3] = "four"
        elif broken == "valid_until":
            row[4] = "next spring"
        elif broken == "allowance_groups":
            row[5] = "astronauts"
        sheet.append(row)
    return workbook


def write_roster(path: Path, count: int, bad: dict[int, str] | None = None, serial: int = 950_000,
                 valid_until: date | None = None) -> Path:
    roster_workbook(count, bad, serial, valid_until).save(path)
    return path
