"""The header's language switch (中文 | English): `GET /language/{zh|en}?next=/page`
sets the `lang` cookie for a year and goes back to the page it came from, a
plain path on this server only (`safe_next`, as after logging in)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from api.pages.language import COOKIE_NAME, COOKIE_SECONDS, LANGUAGES, _
from api.pages.login import safe_next
from api.pages.rendering import PageRefused, PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/language/{language}")
def choose_language(language: str, next: str = "/") -> RedirectResponse:
    if language not in LANGUAGES:
        raise PageRefused(404, _("the pages are in Chinese (zh) or English (en), not {language}"),
                          language=repr(language[:20]))
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(COOKIE_NAME, language, max_age=COOKIE_SECONDS, path="/", samesite="lax")
    return response
