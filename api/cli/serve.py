"""`vledger serve [--host 127.0.0.1] [--port 8000]`: the HTTP API with uvicorn."""

from __future__ import annotations

import typer

from api.cli import app
from api.cli.options import DatabaseOption, open_ledger
from ledger.config import masked_url


@app.command()
def serve(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default)."),
          port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
          db: str = DatabaseOption) -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json, docs at /docs)."""
    import uvicorn

    from api.http.app import create_app

    ledger = open_ledger(db)
    shown_host = f"[{host}]" if ":" in host else host
    typer.echo(f"vledger serving {masked_url(ledger.database_url)} at http://{shown_host}:{port} "
               f"(docs: http://{shown_host}:{port}/docs); Ctrl-C stops")
    uvicorn.run(create_app(ledger=ledger, follow_projections=True), host=host, port=port, log_level="warning", access_log=False)
