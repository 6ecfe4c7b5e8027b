"""The inspector pages (issue 9), served by `vledger serve` under `/`:
server-rendered Jinja2 templates with a little plain JavaScript that checks
inclusion proofs and checkpoint signatures in the browser (Web Crypto), and a
vendored chart library (uPlot). Mount with `app.include_router(pages_router)`."""

from fastapi import APIRouter

from api.pages import login, routes

pages_router = APIRouter()
pages_router.include_router(login.router)
pages_router.include_router(routes.router)

__all__ = ["pages_router"]
