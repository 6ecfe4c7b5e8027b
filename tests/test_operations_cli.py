"""Issue 17, the command line's last mile (DESIGN.md: exit 2 bad input or a
refused command, 1 a failed verification, 3 the database cannot be reached;
`--json` errors included): `--version`, shell completion, masked URLs."""

from __future__ import annotations

import json
from pathlib import Path

from api.cli import package_version
from ledger.config import masked_url
from tests.cli import vledger
from tests.serve_support import free_port

PASSWORD = "s3cret-Pa55"


def unreachable_url() -> str:
    """Nothing listens on a port just found free."""
    return f"postgresql://vledger:{PASSWORD}@127.0.0.1:{free_port()}/vledger"


def test_unreachable_database_exits_3_with_one_sentence_and_the_password_masked() -> None:
    result = vledger("verify", db=unreachable_url())
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("error: the database at postgresql+psycopg://vledger:***@127.0.0.1:")
    assert "cannot be reached" in lines[0] and PASSWORD not in result.stderr + result.stdout


def test_unreachable_database_under_json_is_one_json_object_with_exit_code_3() -> None:
    result = vledger("history", "--voucher", "00000000-0000-4000-8000-000000000000", "--json",
                     db=unreachable_url())
    assert result.returncode == 3
    error = json.loads(result.stderr)
    assert error["exit_code"] == 3 and error["error"]["kind"] == "database-unreachable"
    assert PASSWORD not in result.stderr


def test_db_option_overrides_the_environment_and_is_masked_in_every_message(tmp_path: Path) -> None:
    result = vledger("serve", "--port", str(free_port()), "--db", unreachable_url(),
                     env={"VLEDGER_DB": f"sqlite:///{tmp_path / 'other.db'}"}, timeout=60)
    assert result.returncode == 3 and PASSWORD not in result.stderr + result.stdout
    assert "postgresql+psycopg://vledger:***@" in result.stderr


def test_bad_input_under_json_is_a_json_error_with_exit_2(tmp_path: Path) -> None:
    result = vledger("demo", "--vouchers", "0", "--json", db=f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 2
    assert json.loads(result.stderr) == {"error": {"kind": "bad-input", "rule": None, "message":
                                                   "--vouchers must be between 1 and 200000"}, "exit_code": 2}


def test_a_usage_error_under_json_is_json_too_and_exits_2() -> None:
    result = vledger("verify", "--no-such-option", "--json")
    assert result.returncode == 2
    assert json.loads(result.stderr)["error"]["kind"] == "usage"


def test_a_failed_verification_under_json_exits_1_with_a_json_error(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert vledger("init", db=db).returncode == 0
    checkpoint = tmp_path / "forged.json"
    made = vledger("checkpoint", "--json", db=db)
    forged = {**json.loads(made.stdout), "root_hash": "0" * 64}
    checkpoint.write_text(json.dumps(forged))
    result = vledger("verify", "--checkpoint", str(checkpoint), "--json", db=db)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert json.loads(lines[-1])["error"]["kind"] == "tamper-detected"


def test_version_prints_the_installed_version() -> None:
    result = vledger("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"vledger {package_version()}"
    assert package_version() != "unknown"


def test_shell_completion_completes_command_names() -> None:
    result = vledger(env={"_VLEDGER_COMPLETE": "complete_bash", "COMP_WORDS": "vledger ba", "COMP_CWORD": "1"})
    assert result.returncode == 0 and set(result.stdout.split()) == {"backup", "balances"}


def test_masked_url_hides_only_the_password() -> None:
    assert masked_url("postgresql+psycopg://u:pw@db.example:5432/ledger") == (
        "postgresql+psycopg://u:***@db.example:5432/ledger")
    assert masked_url("sqlite:///./vledger.db") == "sqlite:///./vledger.db"
    assert "pw" not in masked_url("not a url with pw")
