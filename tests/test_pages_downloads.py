"""Download buttons on the pages (issue 14 item 2): `/tables/{name}.{csv|xlsx}`
writes what `vledger export-table` writes, kept to what the viewer may read."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from projections import catch_up
from tests.http_support import http_client
from tests.test_pages import log_in
from tests.world import World


def sheet(content: bytes) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    return rows


@pytest.fixture
def two_schools(world: World) -> tuple[World, Any, Any]:
    """A paid voucher at the world's school and an enrolled one at another school of the region."""
    own = world.paid_voucher()
    school = world.institution
    other = world.register(world.bureau, "institution", name="other school", kind="social_training")
    world.do(world.bureau, "list_in_catalogue", other.actor, {})
    world.institution = other
    world.enrolled_voucher()
    world.institution = school
    catch_up(world.ledger)
    return world, school, other


def download(world: World, key, path: str) -> Any:
    http = http_client(world)
    log_in(http, key)
    return http.get(path)


def test_an_institutions_vouchers_download_holds_only_its_own_rows(two_schools) -> None:
    world, school, other = two_schools
    reply = download(world, school, "/tables/vouchers.xlsx")
    assert reply.status_code == 200, reply.text
    rows = sheet(reply.content)
    assert rows[0][0] == "培训券" and rows[1][0] == "voucher"
    institution_column = rows[1].index("institution")
    assert len(rows) > 2 and {row[institution_column] for row in rows[2:]} == {school.actor}
    everything = sheet(download(world, world.inspector, "/tables/vouchers.xlsx").content)
    assert {row[institution_column] for row in everything[2:]} >= {school.actor, other.actor}
    own = [row for row in everything[2:] if row[institution_column] == school.actor]
    assert sorted(map(str, own)) == sorted(map(str, rows[2:]))


@pytest.mark.parametrize("name", ["vouchers", "balances", "flags", "audit"])
def test_no_download_shows_an_institution_another_institutions_rows(two_schools, name: str) -> None:
    world, school, other = two_schools
    reply = download(world, school, f"/tables/{name}.csv")
    assert reply.status_code == 200, reply.text
    assert other.actor not in reply.text
    inspector = download(world, world.inspector, f"/tables/{name}.csv")
    assert inspector.status_code == 200 and (name in ("flags", "balances") or other.actor in inspector.text)


def test_a_bureau_downloads_its_region_and_another_bureau_nothing_of_it(two_schools) -> None:
    world, school, other = two_schools
    region = sheet(download(world, world.bureau, "/tables/vouchers.xlsx").content)
    assert len(region) == 4  # two header rows, two vouchers
    stranger = world.register(world.root, "bureau", name="hengyang bureau", region="hunan-hengyang")
    for name in ("vouchers", "balances", "audit", "report"):
        reply = download(world, stranger, f"/tables/{name}.xlsx")
        assert reply.status_code == 200, (name, reply.text)
        assert "liaoning" not in str(sheet(reply.content)[2:]) and school.actor not in str(sheet(reply.content)), name


def test_a_download_outside_the_viewers_scope_is_refused_with_the_rule(two_schools) -> None:
    world, school, other = two_schools
    asked = download(world, school, f"/tables/vouchers.csv?institution={other.actor}")
    assert asked.status_code == 403 and "an institution" in asked.text
    report = download(world, school, "/tables/report.xlsx")
    assert report.status_code == 403 and "may not download the report" in report.text
    platform = download(world, world.platform, "/tables/balances.csv")
    assert platform.status_code == 403
    assert download(world, world.inspector, "/tables/nothing.csv").status_code == 404
    logged_out = http_client(world).get("/tables/vouchers.csv", follow_redirects=False)
    assert logged_out.status_code == 303 and "/login" in logged_out.headers["location"]


def test_the_pages_offer_csv_and_xlsx_links_for_their_tables(two_schools) -> None:
    world, school, other = two_schools
    http = http_client(world)
    log_in(http, world.inspector)
    page = http.get(f"/institutions/{school.actor}").text
    for name in ("vouchers", "flags", "balances", "audit"):
        for file_format in ("csv", "xlsx"):
            assert f"/tables/{name}.{file_format}?institution={school.actor}" in page
    assert "/tables/report.xlsx?fortnight=" in http.get("/").text


def test_a_vouchers_audit_download_holds_its_timeline(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    catch_up(world.ledger)
    http = http_client(world)
    log_in(http, world.institution)
    assert f"/tables/audit.xlsx?voucher={voucher}" in http.get(f"/vouchers/{voucher}").text
    rows = sheet(http.get(f"/tables/audit.xlsx?voucher={voucher}").content)
    voucher_column = rows[1].index("voucher")
    assert len(rows) > 3 and {row[voucher_column] for row in rows[2:]} == {str(voucher)}
