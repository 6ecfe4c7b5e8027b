"""All the pages (the inspector pages and each party's Work page) as one router; mount with
`app.include_router(pages_router)`."""

from fastapi import APIRouter

from api.pages import downloads, imports, language_switch, login, payment_file, routes, workbench

pages_router = APIRouter()
pages_router.include_router(login.router)
pages_router.include_router(language_switch.router)
pages_router.include_router(routes.router)
pages_router.include_router(workbench.router)
pages_router.include_router(downloads.router)
pages_router.include_router(imports.router)
pages_router.include_router(payment_file.router)

__all__ = ["pages_router"]
