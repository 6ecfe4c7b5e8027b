"""Typed path parameters shared by the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from api.http.models import UUID_PATTERN

VoucherIdPath = Annotated[str, Path(pattern=UUID_PATTERN, description="the voucher's UUID (lowercase)")]
FilingIdPath = Annotated[str, Path(pattern=UUID_PATTERN, description="the filing's UUID (lowercase)")]
PartyIdPath = Annotated[str, Path(pattern=UUID_PATTERN, description="the party's UUID (lowercase)")]
