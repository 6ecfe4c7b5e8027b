"""What every page shares: the templates, the viewer proven by the session
cookie (api/pages/session.py), and one route class that turns a refusal into
an HTML page with the right status (a missing session into the login page)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.requests import ClientDisconnect

from api.http.deps import Caller
from api.pages.language import HTML_LANG, ROLE_WORDS, _, language_of, plain, rule_line, rule_title, script_words, words
from api.pages.session import COOKIE_NAME, SessionKeeper, current_key, find_party
from api.pages.timeline import yuan
from ledger.errors import BadInput, KeyNotValid, LedgerError, NotFound, ViewFailed
from ledger.lifecycle import STATES
from ledger.occupations import occupation_label
from projections import catch_up

log = logging.getLogger("vledger.pages")
HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters["yuan"] = yuan
templates.env.globals["occupation_label"] = occupation_label
templates.env.filters["short"] = lambda text, length=8: (text or "")[:length]


def status_badge(status: str | None) -> Markup:
    """A voucher's status badge, labelled from the declared lifecycle (ledger/lifecycle.py)."""
    state = STATES.get(status or "")
    if state is None:
        return Markup('<span class="status-tag">{}</span>').format(status or "")
    return Markup('<span class="status-tag s-{} k-{}" data-status="{}" title="{} ({})">{}<small> {}</small></span>'
                  ).format(state.name, state.kind, state.name, state.english, state.kind, state.name, state.chinese)


templates.env.filters["status_badge"] = status_badge

STATUS_OF = {BadInput: 400, KeyNotValid: 403, NotFound: 404}


class PageRefused(Exception):
    """A page's own refusal: `message` is catalogue text (api/pages/language.py)
    with `{name}` places filled from `values` in the reader's language."""

    def __init__(self, status: int, message: str, **values: Any) -> None:
        super().__init__(message.format(**values))
        self.status = status
        self.message = message
        self.values = values


@dataclass(frozen=True)
class Viewer:
    """The party looking at the page."""

    caller: Caller

    @property
    def id(self) -> str:
        return self.caller.id

    @property
    def role(self) -> str:
        return self.caller.role

    @property
    def region(self) -> str:
        return self.caller.region

    @property
    def name(self) -> str:
        return self.caller.party.name

    @property
    def sees_everything(self) -> bool:
        return self.role == "inspector"


def keeper(request: Request) -> SessionKeeper:
    """One session keeper per app, made on first use (its secret never leaves memory)."""
    state = request.app.state
    if getattr(state, "pages_sessions", None) is None:
        state.pages_sessions = SessionKeeper()
    return state.pages_sessions


def viewer_or_none(request: Request) -> Viewer | None:
    session = keeper(request).session_of(request.cookies.get(COOKIE_NAME))
    if session is None:
        return None
    ledger = request.app.state.ledger
    try:
        current_key(ledger, session.actor, session.key_id)
    except KeyNotValid:
        return None
    return Viewer(Caller(find_party(ledger, session.actor)))


def viewer(request: Request) -> Viewer:
    found = viewer_or_none(request)
    if found is None:
        raise PageRefused(401, _("log in with your key file to see this page"))
    return found


def caught_up_ledger(request: Request):
    """The ledger with its views caught up; a view that cannot apply an event
    stops the views before it, and the pages show what they hold (the ledger
    page names the failure)."""
    ledger = request.app.state.ledger
    try:
        catch_up(ledger)
    except ViewFailed:
        pass
    return ledger


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The one place pages are rendered, in the reader's language (`_` in the templates)."""
    context.setdefault("viewer", viewer_or_none(request))
    language = language_of(request)
    context.update({"_": words(language), "language": language, "html_lang": HTML_LANG[language],
                    "rule_line": rule_line(language), "rule_title": rule_title(language), "role_words": ROLE_WORDS,
                    "script_words": script_words(language),
                    "here": context.get("here") or _here(request, with_query=status_code == 200)})
    return templates.TemplateResponse(request, name, context, status_code=status_code,
                                      headers={"Cache-Control": "no-store"})


def _here(request: Request, with_query: bool = True) -> str:
    """This page's path and query, for the login and the language switch to
    come back to. A refusal's links keep only the path: its query may be what
    was refused (a national ID in a search address, L10)."""
    return request.url.path + (f"?{request.url.query}" if request.url.query and with_query else "")


def _wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json")


class PageRoute(APIRoute):
    """Refusals become pages (or JSON for the pages' own .json endpoints)."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except PageRefused as refusal:
                return _refusal(request, refusal.status, refusal.message, refusal.values)
            except LedgerError as error:  # the ledger's own words, with its rule's line beside them
                status = next((code for cls, code in STATUS_OF.items() if isinstance(error, cls)), 400)
                return _refusal(request, status, str(error), rule=error.rule)
            except ClientDisconnect:  # left (or was cut off, api/cli/server_limits.py) before sending its body
                return Response(status_code=400)

        return guarded


def _refusal(request: Request, status: int, message: str, values: dict[str, Any] | None = None,
             rule: str | None = None) -> Response:
    values = values or {}
    if _wants_json(request):
        return JSONResponse({"status": status, "detail": plain(language_of(request), message, **values)},
                            status_code=status)
    if status == 401:
        return RedirectResponse(f"/login?next={quote(_here(request), safe='')}", status_code=303)
    return render(request, "error.html", status_code=status, status=status, message=message, values=values, rule=rule)
