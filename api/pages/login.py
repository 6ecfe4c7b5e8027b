"""Logging in and out, and the pages' static files (plain JavaScript, CSS,
the vendored uPlot chart library)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from api.pages.language import _, language_of, plain
from api.pages.rendering import HERE, PageRefused, PageRoute, keeper, render
from api.pages.session import COOKIE_NAME, SESSION_SECONDS

router = APIRouter(route_class=PageRoute, include_in_schema=False)
STATIC = HERE / "static"
STATIC_TYPES = {".js": "text/javascript", ".css": "text/css"}
MAX_LOGIN_BYTES = 4096
MAX_NEXT_CHARACTERS = 500


def safe_next(target: str | None) -> str:
    """Only a plain path on this server to go to after logging in, else "/".

    Refused: anything with a scheme or a host once parsed, a target not
    starting with exactly one "/" (browsers read `///host` as `//host`), a backslash, and any control character or space,
    because browsers drop tabs and newlines from a URL before reading it, so
    `/%09/evil.example` (a tab) would land on `//evil.example` (issue 13)."""
    if not isinstance(target, str) or not target or len(target) > MAX_NEXT_CHARACTERS or "\\" in target:
        return "/"
    if any(ord(character) <= 0x20 or ord(character) == 0x7F for character in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def same_origin_json(request: Request) -> tuple[int, str] | None:
    """The status and reason to refuse a login POST as possibly cross-site
    (login CSRF), or None.

    It must be JSON (a foreign page's form cannot send that without the
    browser asking this server first) and carry an `Origin` equal to this
    server's own scheme and host (browsers send it on every POST from script)."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        return 415, plain(language_of(request), _("a login is sent as application/json by the login page"))
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.url.netloc}"
    if origin != own:
        return 403, plain(language_of(request), _("a login is accepted only from this server's own login page "
                                                   "({own}), not from {origin}"), own=own, origin=str(origin)[:100])
    return None


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    target = safe_next(next)
    return render(request, "login.html", next=target, here=f"/login?next={quote(target, safe='')}")


@router.post("/login/challenge")
def login_challenge(request: Request) -> JSONResponse:
    return JSONResponse({"challenge": keeper(request).challenge()}, headers={"Cache-Control": "no-store"})


@router.post("/login")
async def login(request: Request) -> JSONResponse:
    refusal = same_origin_json(request)
    if refusal is not None:
        return JSONResponse({"detail": refusal[1]}, status_code=refusal[0])
    body = await request.body()
    if len(body) > MAX_LOGIN_BYTES:
        return JSONResponse({"detail": plain(language_of(request), _("a login is at most {count} bytes"),
                                             count=MAX_LOGIN_BYTES)}, status_code=413)
    try:
        data: Any = json.loads(body or b"null")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return JSONResponse({"detail": plain(language_of(request), _("send {fields} as JSON"),
                                             fields="{challenge, actor, key_id, signature}")}, status_code=400)
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
        raise PageRefused(404, _("no static file {name}"), name=name)
    return FileResponse(path, media_type=STATIC_TYPES[path.suffix], headers={"Cache-Control": "max-age=3600"})
