"""All the inspector pages as one router; mount with `app.include_router(pages_router)`."""

from fastapi import APIRouter

from api.pages import downloads, imports, login, routes

pages_router = APIRouter()
pages_router.include_router(login.router)
pages_router.include_router(routes.router)
pages_router.include_router(downloads.router)
pages_router.include_router(imports.router)

__all__ = ["pages_router"]
