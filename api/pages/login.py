"""Logging in and out, and the pages' static files (plain JavaScript, CSS,
the vendored uPlot chart library)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from api.pages.rendering import HERE, PageRefused, PageRoute, keeper, render
from api.pages.session import COOKIE_NAME, SESSION_SECONDS

router = APIRouter(route_class=PageRoute, include_in_schema=False)
STATIC = HERE / "static"
STATIC_TYPES = {".js": "text/javascript", ".css": "text/css"}
MAX_LOGIN_BYTES = 4096


def safe_next(target: str | None) -> str:
    """Only a path on this server (no scheme, no other host) to go to after logging in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target[:500]


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", next=safe_next(next))


@router.post("/login/challenge")
def login_challenge(request: Request) -> JSONResponse:
    return JSONResponse({"challenge": keeper(request).challenge()}, headers={"Cache-Control": "no-store"})


@router.post("/login")
async def login(request: Request) -> JSONResponse:
    body = await request.body()
    if len(body) > MAX_LOGIN_BYTES:
        return JSONResponse({"detail": f"a login is at most {MAX_LOGIN_BYTES} bytes"}, status_code=413)
    try:
        data: Any = json.loads(body or b"null")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return JSONResponse({"detail": "send {challenge, actor, key_id, signature} as JSON"}, status_code=400)
    from ledger.errors import BadInput, LedgerError

    try:
        session = keeper(request).login(request.app.state.ledger, data.get("challenge"), data.get("actor"),
                                        data.get("key_id"), data.get("signature"))
    except BadInput as error:
        return JSONResponse({"detail": str(error)}, status_code=400)
    except LedgerError as error:
        return JSONResponse({"detail": str(error)}, status_code=403)
    response = JSONResponse({"actor": session.actor, "expires": session.expires,
                             "next": safe_next(data.get("next"))})
    response.set_cookie(COOKIE_NAME, keeper(request).cookie(session), max_age=SESSION_SECONDS, httponly=True,
                        samesite="strict", secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout")
def logout() -> RedirectResponse:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")
    return response


@router.get("/static/pages/{name}")
def static_file(name: str) -> FileResponse:
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file() or path.suffix not in STATIC_TYPES:
        raise PageRefused(404, f"no static file {name}")
    return FileResponse(path, media_type=STATIC_TYPES[path.suffix], headers={"Cache-Control": "max-age=3600"})
