"""Logging of `vledger serve` (docs/decisions/0026): the standard library's
`logging`, one handler on stderr, as text or as JSON lines
(`--log-format json`), at `--log-level`. Uvicorn's own loggers go through the
same handler; the access log is ours (`api.http.access_log`), with the path
but never the query string or a header.

No personal data and no secrets reach a line: the ledger logs refusals by
step and rule (ledger/outcomes.py), database URLs are logged masked, and
`redact` removes anything shaped like a national ID or a URL password from
every message as a last guard."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import datetime, timezone
from typing import Any, TextIO

LEVELS = ("debug", "info", "warning", "error")
FORMATS = ("text", "json")
NATIONAL_ID = re.compile(r"(?<!\d)[1-9]\d{16}[\dXx](?![\dA-Za-z])")
URL_PASSWORD = re.compile(r"(\w+://[^:/@\s]*:)[^@\s]+@")
# The attributes every LogRecord has; anything else was passed as `extra=` and goes into the JSON line.
STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime",
                                                                                     "color_message"}
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def redact(text: str) -> str:
    return URL_PASSWORD.sub(r"\1***@", NATIONAL_ID.sub("<national-id>", text))


class JsonLines(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message and the
    record's extra fields (e.g. `step`, `rule`, `status`, `duration_ms`)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for name, value in vars(record).items():
            if name not in STANDARD_ATTRIBUTES and not name.startswith("_"):
                line[name] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class RedactedText(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(level: str = "info", log_format: str = "text", stream: TextIO | None = None) -> None:
    """Sends every `vledger.*` and uvicorn logger to one handler on `stream` (stderr)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(RedactedText("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in UVICORN_LOGGERS:
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
