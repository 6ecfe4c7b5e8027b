"""`vledger serve [--host 127.0.0.1] [--port 8000] [--log-level info] [--log-format text|json]
[--witness URL --witness-vkey VKEY]... [--workers N]`: the HTTP API with uvicorn (on PostgreSQL in N
processes: api/http/workers.py), with read deadlines and a connection cap (api/cli/server_limits.py), pushing each
new checkpoint to the witnesses named (api/witness_push.py); logging is set up in api/logs.py."""

from __future__ import annotations

import logging

import typer

from api.cli import app
from api.cli.options import DatabaseOption, open_ledger
from api.cli.server_limits import BodyTimeoutOption, HeaderTimeoutOption, MaxConnectionsOption, ServerLimits
from api.logs import FORMATS, LEVELS, configure_logging
from ledger.config import masked_url
from ledger.transparency.witnessed import check_witness_vkeys


@app.command()
def serve(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default)."),
          port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
          log_level: str = typer.Option("warning", "--log-level", envvar="VLEDGER_LOG_LEVEL",
                                        help=f"One of {', '.join(LEVELS)}; info adds the access log and "
                                             "one line per refused command."),
          log_format: str = typer.Option("text", "--log-format", envvar="VLEDGER_LOG_FORMAT",
                                         help="text, or json (one JSON object per line)."),
          witness: list[str] = typer.Option([], "--witness", help="A witness URL (c2sp.org/tlog-witness); each new "
                                            "checkpoint is pushed to it in the background. Repeatable."),
          witness_vkey: list[str] = typer.Option([], "--witness-vkey", help="A witness's cosignature/v1 verifier "
                                                 "key (`vledger witness vkey`); repeatable."),
          db: str = DatabaseOption, header_timeout: float = HeaderTimeoutOption,
          body_timeout: float = BodyTimeoutOption, max_connections: int = MaxConnectionsOption,
          read_db: str = typer.Option(None, "--read-db", envvar="VLEDGER_READ_DB", show_default=False,
                                      help="A streaming replica's URL: reads are served there, writes on --db "
                                           "(read-your-writes with the Vledger-Position header)."),
          workers: int = typer.Option(1, "--workers", min=1, max=64, envvar="VLEDGER_WORKERS",
                                      help="Server processes (PostgreSQL only); the views and checkpoints "
                                           "are followed once, by this process.")) -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json, docs at /docs, metrics at /metrics)."""
    import uvicorn

    from api.cli.server_limits import protocol_with_limits
    from api.http.app import create_app
    from api.witness_push import WitnessPusher
    from ledger.errors import BadInput

    if log_level.lower() not in LEVELS or log_format not in FORMATS:
        raise BadInput(f"--log-level is one of {', '.join(LEVELS)} and --log-format one of {', '.join(FORMATS)}")
    if witness and not witness_vkey:
        raise BadInput("--witness needs the witness's verifier key: give --witness-vkey (`vledger witness vkey`)")
    check_witness_vkeys(witness_vkey)
    configure_logging(log_level.lower(), log_format)
    ledger = open_ledger(db)
    if workers > 1 and ledger.engine.dialect.name != "postgresql":
        raise BadInput("--workers needs PostgreSQL: SQLite takes one writer at a time, so more processes would only "
                       "queue on its lock; one process already commits concurrent requests together")
    limits = ServerLimits(header_timeout, body_timeout, max_connections)
    shown_host = f"[{host}]" if ":" in host else host
    typer.echo(f"vledger serving {masked_url(ledger.database_url)} at http://{shown_host}:{port} "
               f"(docs: http://{shown_host}:{port}/docs); {limits.describe()}; Ctrl-C stops")
    if read_db:
        typer.echo(f"reads served from the replica at {masked_url(read_db)}")
    logging.getLogger("vledger.http").info("serving %s at %s:%s", masked_url(ledger.database_url), host, port,
                                           extra={"database": masked_url(ledger.database_url)})
    pusher = WitnessPusher(ledger, witness, witness_vkey) if witness else None
    if pusher:
        pusher.start()
    try:
        if workers > 1:
            _serve_in_workers(ledger, read_db, limits, log_level.lower(), log_format, host, port, workers)
        else:
            application = create_app(ledger=ledger, follow_projections=True, read_database_url=read_db)
            uvicorn.run(application, host=host, port=port, log_config=None,
                        log_level=log_level.lower(), access_log=False, http=protocol_with_limits(limits))
    finally:
        if pusher:
            pusher.stop()


def _serve_in_workers(ledger, read_db: str | None, limits: ServerLimits, log_level: str, log_format: str,
                      host: str, port: int, workers: int) -> None:
    """uvicorn's supervisor starts `workers` processes (api/http/workers.py); this
    process follows the log for all of them."""
    import os

    import uvicorn

    from api.http.follower import ProjectionFollower
    from api.http.workers import APP, PROTOCOL, settings_for_workers

    os.environ.update(settings_for_workers(ledger.database_url, read_db, limits, log_level, log_format))
    typer.echo(f"{workers} server processes; this one follows the views and records checkpoints")
    follower = ProjectionFollower(ledger)
    follower.start()
    try:
        uvicorn.run(APP, factory=True, workers=workers, host=host, port=port, log_config=None,
                    log_level=log_level, access_log=False, http=PROTOCOL)
    finally:
        follower.stop()
