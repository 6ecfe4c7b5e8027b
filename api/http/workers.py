"""`vledger serve --workers N` on PostgreSQL (issue 15 item 2; docs/decisions/0063):
N uvicorn processes serve requests, each with its own group commit, all
writing to the one database. uvicorn starts each worker with `spawn` and
builds its application from an import string, so what a worker needs comes
from the environment the supervising `vledger serve` sets before it starts
them: the database URLs, the log settings and the client limits.

The log's followers (the views' catch-up, checkpoints, witness pushes) run
once, in the supervising process, never in the workers: two checkpointers
would race for the same tree size."""

from __future__ import annotations

import os

from api.cli.server_limits import ServerLimits, protocol_with_limits

READ_DB = "VLEDGER_READ_DB"
LIMIT_SETTINGS = {"header_timeout_seconds": "VLEDGER_HEADER_TIMEOUT_SECONDS",
                  "body_timeout_seconds": "VLEDGER_BODY_TIMEOUT_SECONDS",
                  "max_connections": "VLEDGER_MAX_CONNECTIONS"}
APP = "api.http.workers:worker_app"
PROTOCOL = "api.http.workers:WorkerProtocol"


def settings_for_workers(database_url: str, read_database_url: str | None, limits: ServerLimits,
                         log_level: str, log_format: str) -> dict[str, str]:
    """The environment a worker reads: set by `vledger serve` before uvicorn spawns the workers."""
    values = {"VLEDGER_DB": database_url, "VLEDGER_LOG_LEVEL": log_level, "VLEDGER_LOG_FORMAT": log_format}
    if read_database_url:
        values[READ_DB] = read_database_url
    values.update({name: str(getattr(limits, field)) for field, name in LIMIT_SETTINGS.items()})
    return values


def limits_from_environment() -> ServerLimits:
    return ServerLimits(float(os.environ[LIMIT_SETTINGS["header_timeout_seconds"]]),
                        float(os.environ[LIMIT_SETTINGS["body_timeout_seconds"]]),
                        int(os.environ[LIMIT_SETTINGS["max_connections"]]))


def worker_app():
    """The application of one worker process (uvicorn's `factory=True`)."""
    from api.http.app import create_app
    from api.logs import configure_logging

    configure_logging(os.environ["VLEDGER_LOG_LEVEL"], os.environ["VLEDGER_LOG_FORMAT"])
    return create_app(os.environ["VLEDGER_DB"], follow_projections=False,
                      read_database_url=os.environ.get(READ_DB) or None)


def __getattr__(name: str):
    """`WorkerProtocol`, built on first use in a worker from the limits in its environment."""
    if name == "WorkerProtocol":
        return protocol_with_limits(limits_from_environment())
    raise AttributeError(name)
