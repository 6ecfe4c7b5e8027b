"""A hard limit on request bodies (TIGER_STYLE): larger than MAX_BODY_BYTES is
refused with 413 problem+json, whether announced by Content-Length or streamed.
An import file posted to the import page (POST /import/...) may be up to
MAX_UPLOAD_BYTES: the page only parses it; every write it leads to is still
one signed envelope of at most 64 KiB. A batch of signed envelopes (POST
/v1/command-batches) may be up to MAX_BATCH_BODY_BYTES, each of its commands
still at most 64 KiB."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http.paths import BATCH_PATH
from api.http.problems import EDGE_PROBLEMS, problem_response

MAX_BODY_BYTES = 64 * 1024
MAX_UPLOAD_BYTES = 16 * 1024 * 1024  # an import file posted to the import page (api/pages/imports.py)
UPLOAD_PATHS = ("/import/",)
MAX_BATCH_BODY_BYTES = 8 * 1024 * 1024


class BodyTooLarge(StarletteHTTPException):
    """Raised while the body streams in; FastAPI passes HTTP exceptions through
    its body parsing, so the app's handler answers 413."""

    def __init__(self, max_body_bytes: int) -> None:
        what = {MAX_UPLOAD_BYTES: "an import file is at most 16 MiB; split it",
                MAX_BATCH_BODY_BYTES: "a batch of commands is at most 8 MiB; send fewer at a time"}.get(
                    max_body_bytes, "a signed envelope is at most 64 KiB")
        super().__init__(413, f"the request body is larger than {max_body_bytes // 1024} KiB; {what}")


class BodySizeLimit:
    def __init__(self, app: Any, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.default_max_body_bytes = max_body_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", "")) if scope["method"] == "POST" else ""
        max_body_bytes = (MAX_UPLOAD_BYTES if path.startswith(UPLOAD_PATHS) else
                          MAX_BATCH_BODY_BYTES if path == BATCH_PATH else self.default_max_body_bytes)
        await self._limited(scope, receive, send, max_body_bytes)

    async def _limited(self, scope: dict[str, Any], receive: Any, send: Any, max_body_bytes: int) -> None:
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_body_bytes):
            await self._refuse(scope, receive, send, max_body_bytes)
            return
        received = 0
        started = False

        async def limited_receive() -> dict[str, Any]:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_body_bytes:
                    raise BodyTooLarge(max_body_bytes)
            return message

        async def tracking_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(scope, receive, send, max_body_bytes)

    async def _refuse(self, scope: dict[str, Any], receive: Any, send: Any, max_body_bytes: int) -> None:
        response = problem_response(EDGE_PROBLEMS["body-too-large"], BodyTooLarge(max_body_bytes).detail)
        await response(scope, receive, send)
