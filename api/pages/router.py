"""All the inspector pages as one router; mount with `app.include_router(pages_router)`."""

from fastapi import APIRouter

from api.pages import language_switch, login, routes

pages_router = APIRouter()
pages_router.include_router(login.router)
pages_router.include_router(language_switch.router)
pages_router.include_router(routes.router)

__all__ = ["pages_router"]
