"""The read side on the real command line: rebuild, voucher show, balances,
audit, flags, report, replay; bad input gets exit 2 and one clear sentence."""

from __future__ import annotations

import json
import uuid

from typer.testing import CliRunner

from api.cli import _register_commands, app
from ledger.errors import LedgerError
from tests.cli import vledger
from tests.world import World

_register_commands()


def vledger_json(*args: str, db: str):
    """In the same process (a subprocess per command would take seconds on a busy machine)."""
    result = CliRunner().invoke(app, [*args, "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def refused(*args: str, db: str) -> str:
    """What `main()` turns into exit code 2: the LedgerError's one sentence."""
    result = CliRunner().invoke(app, [*args, "--db", db])
    assert isinstance(result.exception, LedgerError), result.output
    return str(result.exception)


def test_read_commands_show_the_views_after_rebuild(world: World, database_url: str) -> None:
    voucher = world.paid_voucher()
    last = world.ledger.max_notification_id()
    rebuilt = vledger_json("rebuild", db=database_url)
    assert rebuilt["events"] == last and rebuilt["position"] == last
    shown = vledger_json("voucher", "show", str(voucher), db=database_url)
    assert shown["status"] == "paid" and shown["paid_fen"] == shown["approved_fen"] > 0
    early = vledger_json("balances", "--as-of", str(shown["postings"][0]["sequence"]), db=database_url)
    assert early["by_kind"]["commitment"] == shown["approved_fen"] and early["all_accounts_sum_fen"] == 0
    trail = vledger_json("audit", "--voucher", str(voucher), db=database_url)
    assert trail[-1]["command"] == "pay" and trail[-1]["role"] == "finance"
    assert vledger_json("flags", db=database_url) == []
    report = vledger_json("report", "--fortnight", world.clock.now.date().isoformat(), db=database_url)
    assert report["regions"][0]["paid_fen"] == shown["paid_fen"]
    then = vledger_json("replay", "--as-of", str(shown["postings"][0]["sequence"]), "--voucher", str(voucher),
                        db=database_url)
    assert then["voucher"]["status"] == "enrolled" and then["as_of"]["sequence"] == shown["postings"][0]["sequence"]


def test_bad_input_exits_2_with_one_clear_sentence(world: World, database_url: str) -> None:
    last = world.ledger.max_notification_id()
    for args, message in [
        (("replay", "--as-of", str(last + 1)), "is beyond the log"),
        (("voucher", "show", str(uuid.uuid4())), "does not exist"),
    ]:
        result = vledger(*args, db=database_url)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    for args, message in [
        (("report", "--fortnight", "2020-13-01"), "is not a date written YYYY-MM-DD"),
        (("replay", "--as-of", "yesterday"), "is not an ISO 8601 time"),
        (("balances", "--as-of", str(last + 5)), "is beyond the log"),
        (("audit", "--since", "2020-05-01T00:00:00Z", "--until", "2020-04-01T00:00:00Z"), "--since must not"),
        (("balances", "--institution", str(uuid.uuid4())), "does not exist"),
        (("rebuild", "--view", "nonsense"), "unknown view"),
    ]:
        assert message in refused(*args, db=database_url), args
