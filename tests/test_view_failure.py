"""A view that cannot apply an accepted event is a bug that shows: catch-up
records it (view, event, error) and stops before it; /readyz answers 503 naming
them; reads answer 503 (never 500); `vledger verify` fails naming them; the
ledger page shows it; the server's follower backs off instead of retrying every
2 s forever. The event is injected as an older release without the H3 check
would have accepted it (tests/unchecked.py)."""

from __future__ import annotations

import json

import pytest

from api.client import ApiProblem
from api.http.follower import ProjectionFollower
from ledger.errors import ViewFailed
from projections import catch_up, failures, position, rebuild
from tests.cli import vledger
from tests.http_support import http_client, party
from tests.test_pages import log_in
from tests.unchecked import record_unchecked
from tests.world import World


def prepay_after_clearing(world: World) -> int:
    """The prepayment issue 13 describes: accepted after the notice cleared. Returns its sequence."""
    voucher = world.cleared_voucher()
    catch_up(world.ledger)
    fen = next(p["fen"] for p in world.ledger.get(voucher).payments if p["stage"] == "prepayment")
    body = {"amount_fen": fen, "fund": world.profile.funds[0]}
    record_unchecked(world, world.finance, "prepay", voucher, body, "prepaid", "Prepaid", body)
    return world.ledger.max_notification_id() - 1  # the Prepaid event; the receipt follows it


def test_a_view_that_cannot_apply_an_event_is_recorded_and_named(hengyang: World) -> None:
    sequence = prepay_after_clearing(hengyang)
    with pytest.raises(ViewFailed) as caught:
        catch_up(hengyang.ledger)
    assert caught.value.view == "balances" and caught.value.sequence == sequence
    recorded = failures.recorded(hengyang.ledger.engine)
    assert [(row["view"], row["sequence"], row["event_type"]) for row in recorded] == [
        ("balances", sequence, "Voucher.Prepaid")]
    assert "negative" in recorded[0]["error"]
    assert position(hengyang.ledger) == sequence - 1, "the views stop just before the failing event"
    with pytest.raises(ViewFailed):  # a read retries and fails the same way; the failure keeps its first time
        catch_up(hengyang.ledger)
    assert failures.recorded(hengyang.ledger.engine) == recorded
    with pytest.raises(ViewFailed):
        rebuild(hengyang.ledger)


def test_readyz_is_503_naming_the_view_and_the_event_and_reads_are_503_not_500(hengyang: World) -> None:
    sequence = prepay_after_clearing(hengyang)
    with pytest.raises(ViewFailed):
        catch_up(hengyang.ledger)
    http = http_client(hengyang)
    ready = http.get("/readyz")
    assert ready.status_code == 503
    body = ready.json()
    assert body["status"] == "view_failed" and body["failed_views"][0]["view"] == "balances"
    assert f"event {sequence}" in body["detail"]
    for path in ("/v1/balances", "/v1/vouchers", "/v1/flags", "/v1/audit"):
        with pytest.raises(ApiProblem) as caught:
            party(hengyang, http, hengyang.inspector).get(path)
        assert caught.value.status == 503 and caught.value.problem["type"].endswith("/view-failed"), path
        assert f"event {sequence}" in caught.value.problem["detail"]


def test_vledger_verify_fails_naming_the_view_and_the_event(hengyang: World) -> None:
    """Before: `vledger verify` said the views equal a fresh replay (it compared only up to where they stopped)."""
    sequence = prepay_after_clearing(hengyang)
    result = vledger("verify", "--json", db=hengyang.ledger.database_url)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["views"] == "failed"
    assert f"view balances cannot apply event {sequence}" in report["first_problem"]


def test_the_ledger_page_shows_the_stopped_view(hengyang: World) -> None:
    sequence = prepay_after_clearing(hengyang)
    http = http_client(hengyang)
    log_in(http, hengyang.inspector)
    page = http.get("/")
    assert page.status_code == 200
    assert 'data-state="view-failed"' in page.text and f"cannot apply event {sequence} (" in page.text


def test_the_follower_backs_off_instead_of_retrying_every_two_seconds(hengyang: World) -> None:
    prepay_after_clearing(hengyang)
    follower = ProjectionFollower(hengyang.ledger, interval_seconds=2.0)
    follower._follow()
    assert follower.backoff_seconds == 2.0
    follower._follow()  # too early: no retry, same pause
    assert follower.backoff_seconds == 2.0
    follower.next_retry = 0.0
    follower._follow()
    follower.next_retry = 0.0
    follower._follow()
    assert follower.backoff_seconds == 8.0
    assert failures.recorded(hengyang.ledger.engine), "the failure stays visible while it lasts"
