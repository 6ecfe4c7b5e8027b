"""The recommended catalogue (L2, L12, S5): list, delist or ban an institution
or platform with one signed write."""

from __future__ import annotations

from fastapi import APIRouter

from api.http.paths import WRITE_ROUTES
from api.http.writes import add_write_route

router = APIRouter(tags=["catalogue"])

for route in WRITE_ROUTES:
    if route.tag == "catalogue":
        add_write_route(router, route)
