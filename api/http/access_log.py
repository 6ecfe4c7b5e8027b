"""The access log and the latency histogram: one line per request with the
method, the route template (`/v1/vouchers/{voucher_id}`), the status and the
duration; never the query string, a header or a body, so no signature, token
or personal data reaches the log (decision 0026)."""

from __future__ import annotations

import logging
import time
from typing import Any

log = logging.getLogger("vledger.access")
UNMATCHED = "<unmatched>"


class AccessLog:
    """Pure ASGI middleware (no body buffering)."""

    def __init__(self, app: Any, metrics: Any) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}
        self.metrics.attach(scope["app"].state.ledger)

        async def send_and_note(message: dict) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or UNMATCHED
            self.metrics.observe_request(scope["method"], route, status["code"], seconds)
            client = (scope.get("client") or ("-",))[0]
            log.info('%s "%s %s" %s %.1f ms', client, scope["method"], route, status["code"], seconds * 1000,
                     extra={"client": client, "method": scope["method"], "route": route,
                            "status": status["code"], "duration_ms": round(seconds * 1000, 3)})
