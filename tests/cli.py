"""Running the real `vledger` command line in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def vledger(*args: str, db: str | None = None, cwd: Path | None = None, timeout: float = 300,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    if db:
        full_env["VLEDGER_DB"] = db
    return subprocess.run([sys.executable, "-m", "api.cli", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=full_env, timeout=timeout, stdin=subprocess.DEVNULL)


def vledger_json(*args: str, **kwargs: Any) -> Any:
    result = vledger(*args, "--json", **kwargs)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
