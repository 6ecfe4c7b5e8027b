"""Every stored byte sealed or checked (J1; issue 13, item 8;
docs/decisions/0022): a change to any single byte of any row of the events
or checkpoint tables of a demo ledger fails `vledger verify --checkpoint`;
new events' library timestamp is their sealed `recorded_at`; a ledger
recorded before issue 13 still verifies."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.demo import Demo
from ledger.application import VoucherLedger
from ledger.errors import TamperDetected
from ledger.genesis import initialise
from ledger.signing import SigningKey
from ledger.transparency.checkpoints import Checkpoint, all_checkpoints, cosign_latest, record_checkpoint
from ledger.transparency.tree_store import stored_leaves
from ledger.verify import verify_log
from tests.cli import vledger
from tests.test_topic_switch import other_kind, upgraded_v0_with_a_new_command

FIXTURE = Path(__file__).parent / "fixtures" / "ledger-before-issue-13"
EVENT_COLUMNS = ("id", "originator_id", "originator_version", "topic", "state")
CHECKPOINT_COLUMNS = ("tree_size", "root_hash", "timestamp", "signature", "timestamp_signature", "cosignatures")


@pytest.fixture(scope="module")
def demo_ledger(tmp_path_factory) -> tuple[Path, Path, dict]:
    """A tiny demo ledger (one voucher per region), checkpointed and cosigned
    by finance; returns its file, its keys folder and the saved checkpoint."""
    folder = tmp_path_factory.mktemp("demo")
    ledger = VoucherLedger(f"sqlite:///{folder / 'demo.db'}", keys=folder / "keys")
    initialise(ledger)
    Demo(ledger).run(1)
    record_checkpoint(ledger)
    saved = cosign_latest(ledger, SigningKey.load(folder / "keys" / "demo" / "finance.json")).to_json()
    ledger.close()
    return folder / "demo.db", folder / "keys", saved


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy, write-ahead log included (sqlite3's backup)."""
    with sqlite3.connect(source) as reading, sqlite3.connect(target) as writing:
        reading.backup(writing)
    return target


def verify_copy(database: Path, keys: Path, saved: dict):
    """What `vledger verify --checkpoint` checks, in this process."""
    ledger = VoucherLedger(f"sqlite:///{database}", keys=keys)
    try:
        return verify_log(ledger.notifications(), all_checkpoints(ledger), saved_checkpoint=Checkpoint.from_json(saved),
                          stored_leaves=stored_leaves(ledger))
    finally:
        ledger.close()


def as_bytes(value) -> bytes:
    if isinstance(value, int):
        return str(value).encode("ascii")
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def like(original, data: bytes):
    """The changed bytes as a value of the original's type, or None when they cannot be one."""
    try:
        if isinstance(original, int):
            return int(data.decode("ascii"))
        return data.decode("utf-8") if isinstance(original, str) else data
    except (UnicodeDecodeError, ValueError):
        return None


def test_j1_a_new_events_library_timestamp_is_its_sealed_recorded_at(demo_ledger) -> None:
    database, _keys, _saved = demo_ledger
    with sqlite3.connect(database) as connection:
        states = [json.loads(row[0]) for row in connection.execute("select state from vledger_events")]
    assert len(states) > 100
    for state in states:
        recorded_at = state["seal"]["recorded_at"]  # 2020-04-01T07:00:00.050000Z, on the demo's clock
        assert state["timestamp"]["_data_"].replace("+00:00", "") == recorded_at.rstrip("Z").removesuffix(".000000")
        assert state["seal"]["envelope"]["ledger"] == "vledger.example/training-vouchers"


def test_j1_one_changed_digit_of_a_library_timestamp_fails_verify_checkpoint(demo_ledger, tmp_path: Path) -> None:
    """Issue 13: "an insider changed one digit of it and `vledger verify
    --checkpoint` still passed"."""
    database, keys, saved = demo_ledger
    copy = copy_database(database, tmp_path / "copy.db")
    (tmp_path / "saved.json").write_text(json.dumps(saved))
    with sqlite3.connect(copy) as connection:
        state = connection.execute("select state from vledger_events where id = 40").fetchone()[0]
        stamp = json.loads(state)["timestamp"]["_data_"]
        changed = stamp[:3] + str((int(stamp[3]) + 1) % 10) + stamp[4:]  # 2020 → 2021
        connection.execute("update vledger_events set state = ? where id = 40",
                           (state.replace(stamp.encode(), changed.encode()),))
    result = vledger("verify", "--checkpoint", str(tmp_path / "saved.json"), "--processes", "1",
                     db=f"sqlite:///{copy}")
    assert result.returncode == 1, result.stdout
    assert "event #40" in result.stderr and "library timestamp is not its sealed recorded_at" in result.stderr


@pytest.fixture(scope="module")
def mixed_ledger(tmp_path_factory) -> tuple[Path, Path, dict]:
    """ledger-v0.db (module-path topics) upgraded, one new command (stable
    names) and a checkpoint after it: topics of both kinds, and the switch."""
    folder = tmp_path_factory.mktemp("mixed")
    upgraded_v0_with_a_new_command(f"sqlite:///{folder / 'mixed.db'}", folder / "keys", checkpoint=True)
    ledger = VoucherLedger(f"sqlite:///{folder / 'mixed.db'}", keys=folder / "keys")
    saved = all_checkpoints(ledger)[-1].to_json()
    ledger.close()
    return folder / "mixed.db", folder / "keys", saved


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.sampled_from(["demo", "mixed"]), table=st.sampled_from(["vledger_events", "vledger_checkpoints"]),
       data=st.data())
def test_j1_any_single_changed_byte_of_the_events_or_checkpoints_fails_verify(demo_ledger, mixed_ledger,
                                                                             tmp_path_factory, which: str,
                                                                             table: str, data) -> None:
    """On a demo ledger (stable names) and on an old one upgraded (module
    paths, then stable names from its first new command)."""
    database, keys, saved = demo_ledger if which == "demo" else mixed_ledger
    copy = copy_database(database, tmp_path_factory.mktemp("altered") / "copy.db")
    columns = EVENT_COLUMNS if table == "vledger_events" else CHECKPOINT_COLUMNS
    key_column = columns[0]
    with sqlite3.connect(copy) as connection:
        keys_in_table = [row[0] for row in connection.execute(f"select {key_column} from {table}")]
        row_key = data.draw(st.sampled_from(keys_in_table), label="row")
        column = data.draw(st.sampled_from(columns), label="column")
        original = connection.execute(f"select {column} from {table} where {key_column} = ?", (row_key,)).fetchone()[0]
        stored = as_bytes(original)
        position = data.draw(st.integers(0, len(stored) - 1), label="byte position")
        new_byte = data.draw(st.sampled_from(b' ",:{}[]\\0123456789abcdefZ+-=\n\x00\xff'), label="new byte")
        how = data.draw(st.sampled_from(["replace", "insert", "delete"]), label="change")
        kept = stored[position + 1:] if how != "insert" else stored[position:]
        changed = like(original, stored[:position] + (bytes([new_byte]) if how != "delete" else b"") + kept)
        if changed is None or changed == original:
            return  # not a value this column can hold (e.g. a digit changed to a letter in an integer)
        try:
            connection.execute(f"update {table} set {column} = ? where {key_column} = ?", (changed, row_key))
        except sqlite3.IntegrityError:
            return  # the database itself refuses it (a duplicate key)
    try:
        report = verify_copy(copy, keys, saved)
    except TamperDetected:
        return  # refused while reading, as `vledger verify` exits 1
    assert not report.intact, f"{table}.{column} of {row_key}, {how} byte {position} ({new_byte}): verify passed"


@pytest.mark.parametrize("cosignatures", ["[0]", '["x"]', "[[]]", '"ab"'])
def test_j1_a_checkpoints_cosignatures_that_are_not_objects_fail_verify_with_a_sentence(
        demo_ledger, tmp_path: Path, cosignatures: str) -> None:
    """Found by the property test above: a "0" inserted after the "[" of a checkpoint's cosignatures
    made the report's summary crash on `0.get(...)` instead of naming the altered row."""
    database, keys, saved = demo_ledger
    copy = copy_database(database, tmp_path / "copy.db")
    with sqlite3.connect(copy) as connection:
        size = connection.execute("select max(tree_size) from vledger_checkpoints").fetchone()[0]
        connection.execute("update vledger_checkpoints set cosignatures = ? where tree_size = ?",
                           (cosignatures, size))
    try:
        report = verify_copy(copy, keys, saved)
    except TamperDetected as refused:
        assert "altered" in str(refused)
        return
    assert not report.intact and "altered" in str(report.first_problem), report.first_problem


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_j1_any_event_stored_under_its_topic_of_the_other_kind_fails_verify(mixed_ledger, tmp_path_factory,
                                                                            data) -> None:
    """A whole topic swapped for its type's topic of the other kind (module
    path ↔ stable name), anywhere in a mixed log, its originator topic too
    (docs/decisions/0048): the kind is sealed in the hashed event type."""
    database, keys, saved = mixed_ledger
    copy = copy_database(database, tmp_path_factory.mktemp("retopic") / "copy.db")
    with sqlite3.connect(copy) as connection:
        rows = connection.execute("select id, topic, state from vledger_events order by id").fetchall()
        swappable = [row for row in rows if other_kind(row[1]) != row[1]]
        row_id, topic, state = data.draw(st.sampled_from(swappable), label="event")
        changed = json.loads(state)
        if "originator_topic" in changed and data.draw(st.booleans(), label="originator topic too"):
            changed["originator_topic"] = other_kind(topic).rsplit(".", 1)[0]
        connection.execute("update vledger_events set topic = ?, state = ? where id = ?",
                           (other_kind(topic), json.dumps(changed, separators=(",", ":"), ensure_ascii=False)
                            .encode("utf-8"), row_id))
    report = verify_copy(copy, keys, saved)
    assert not report.intact and str(report.first_problem).startswith(f"event #{row_id} "), report.first_problem


def test_j1_a_ledger_recorded_before_issue_13_still_verifies(tmp_path: Path) -> None:
    """Envelopes with no `ledger` are the earlier format; their library
    timestamps are the wall clock of the day (docs/decisions/0021, 0022). Its
    tables are upgraded first, as for any older ledger (0029); no event changes."""
    shutil.copy(FIXTURE / "ledger.db", tmp_path / "ledger.db")
    trust_root = (FIXTURE / "trust-root.pub").read_text().strip()
    upgrade = vledger("init", "--if-missing", db=f"sqlite:///{tmp_path / 'ledger.db'}")  # schema versions (0029)
    assert upgrade.returncode == 0, upgrade.stderr
    result = vledger("verify", "--checkpoint", str(FIXTURE / "checkpoint.json"), "--trust-root", trust_root, "--json",
                     db=f"sqlite:///{tmp_path / 'ledger.db'}")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["intact"] and report["events_checked"] == 417 and report["checkpoints_checked"] == 2


def respaced(state: bytes) -> bytes:
    return json.dumps(json.loads(state)).encode()  # the same JSON value, with spaces


def with_field(state: bytes) -> bytes:
    return state[:-1] + b',"note":"unsealed"}'


def escaped(state: bytes) -> bytes:
    return state.replace(b'"facts"', b'"fact\\u0073"', 1)  # the same key, spelled with an escape


def non_canonical_base64(signature: str) -> str:
    """The same 64 bytes: the last character before == carries 4 unused bits."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet.index(signature[-3])
    return signature[:-3] + alphabet[last ^ 1] + "=="


@pytest.mark.parametrize("alter, expected", [
    ("update vledger_events set id = id + 5 where id = (select max(id) from vledger_events)",
     "an event was renumbered"),
    (("state", respaced), "stored bytes are not what its content encodes to"),
    (("state", with_field), "its stored record holds timestamp, originator_topic, facts, seal, note"),
    (("state", escaped), "stored bytes are not what its content encodes to"),
    ("update vledger_events set topic = 'ledger.aggregates.party:Voucher.Claimed' "
     "where topic like '%:Voucher.Claimed'", "names no event type of this ledger"),
    ("update vledger_events set topic = 'ledger.aggregates.voucher:Voucher.Claimed' "
     "where topic like '%:Voucher.Claimed'", "is a module path, stored after events began to carry stable names"),
    ("update vledger_events set state = cast(replace(state, '\"class_version\":2', '\"class_version\":1') as blob) "
     "where topic like '%:Voucher.Enrolled'", "not a schema version above 1"),
    ("update vledger_checkpoints set cosignatures = replace(cosignatures, '\", \"', '\",\"')",
     "cosignatures are not stored as the ledger writes them"),
    (("signature", non_canonical_base64), "not canonical base64"),
    ("update vledger_checkpoints set tree_size = 0", "checkpoint at tree size 0"),
])
def test_j1_bytes_outside_the_hash_are_checked_by_verify(demo_ledger, tmp_path: Path, alter, expected: str) -> None:
    """Each of these changes keeps every event hash and signature intact, so
    only the stored-bytes checks (ledger/stored_form.py) can refuse them."""
    database, keys, saved = demo_ledger
    copy = copy_database(database, tmp_path / "copy.db")
    with sqlite3.connect(copy) as connection:
        if isinstance(alter, str):
            connection.execute(alter)
        elif alter[0] == "state":
            row_id, state = connection.execute(  # an event that creates its aggregate (its record names the topic)
                "select id, state from vledger_events where topic like '%:Voucher.Issued' order by id").fetchone()
            connection.execute("update vledger_events set state = ? where id = ?", (alter[1](state), row_id))
        else:
            tree_size, value = connection.execute("select tree_size, signature from vledger_checkpoints").fetchone()
            connection.execute("update vledger_checkpoints set signature = ? where tree_size = ?",
                               (alter[1](value), tree_size))
        assert connection.total_changes > 0
    report = verify_copy(copy, keys, saved)
    assert not report.intact and expected in str(report.first_problem), report.first_problem



def test_every_aggregate_names_its_events_stably_even_in_a_fresh_process() -> None:
    """Every aggregate under ledger/aggregates (the epidemic period's too)
    declares a stable topic, and a fresh process that imports only the
    stored-form check (`vledger verify`'s workers) knows every stable name,
    else an honest `EpidemicPeriod.Ended` reads as altered (issue 16)."""
    import importlib
    import pkgutil
    import subprocess
    import sys

    import ledger.aggregates
    from ledger.aggregates.chained import Chained

    defined = {}
    for module_info in pkgutil.iter_modules(ledger.aggregates.__path__):
        module = importlib.import_module(f"ledger.aggregates.{module_info.name}")
        defined.update({name: value.__dict__.get("TOPIC") for name, value in vars(module).items()
                        if isinstance(value, type) and issubclass(value, Chained) and value is not Chained
                        and value.__module__ == module.__name__})
    assert "EpidemicPeriod" in defined and all(topic == f"vledger:{name}" for name, topic in defined.items())
    fresh = subprocess.run([sys.executable, "-c", "from ledger.stored_form import type_name; "
                            "print(type_name('vledger:EpidemicPeriod.Ended'))"], capture_output=True, text=True,
                           check=True)
    assert fresh.stdout.strip() == "EpidemicPeriod.Ended"
