"""Reading a command's body field by field, each with its type and limits.
Fields the step never read are refused afterwards (unknown fields)."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

from ledger.envelope import parse_date, parse_time, parse_uuid
from ledger.errors import BadInput

SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")


class Body:
    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.read: set[str] = set()

    def _get(self, name: str, required: bool) -> Any:
        self.read.add(name)
        if name not in self.values or self.values[name] is None:
            if required:
                raise BadInput(f"body.{name} is required")
            return None
        return self.values[name]

    def text(self, name: str, *, max_length: int = 200, required: bool = True) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str) or not 1 <= len(value.strip()) <= max_length:
            raise BadInput(f"body.{name} must be text of 1 to {max_length} characters")
        return value.strip()

    def integer(self, name: str, *, minimum: int, maximum: int, required: bool = True) -> int | None:
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadInput(f"body.{name} must be a whole number")
        if not minimum <= value <= maximum:
            raise BadInput(f"body.{name} must be between {minimum} and {maximum}, got {value}")
        return value

    def boolean(self, name: str, *, required: bool = True) -> bool | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise BadInput(f"body.{name} must be true or false")
        return value

    def choice(self, name: str, options: tuple[str, ...], *, required: bool = True) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if value not in options:
            raise BadInput(f"body.{name} must be one of: {', '.join(options)}")
        return value

    def identifier(self, name: str, *, required: bool = True) -> uuid.UUID | None:
        value = self._get(name, required)
        return None if value is None else parse_uuid(value, what=f"body.{name}")

    def day(self, name: str, *, required: bool = True) -> date | None:
        value = self._get(name, required)
        return None if value is None else parse_date(value, what=f"body.{name}")

    def moment(self, name: str, *, required: bool = True):
        value = self._get(name, required)
        return None if value is None else parse_time(value, what=f"body.{name}")

    def text_list(self, name: str, *, max_items: int = 50, max_length: int = 200, required: bool = True) -> list[str]:
        value = self._get(name, required)
        if value is None:
            return []
        if not isinstance(value, list) or not 1 <= len(value) <= max_items:
            raise BadInput(f"body.{name} must be a list of 1 to {max_items} items")
        if not all(isinstance(item, str) and 1 <= len(item.strip()) <= max_length for item in value):
            raise BadInput(f"body.{name} items must be text of 1 to {max_length} characters")
        return [item.strip() for item in value]

    def sha256(self, name: str) -> str:
        value = self._get(name, True)
        if not isinstance(value, str) or not SHA256_PATTERN.match(value):
            raise BadInput(f"body.{name} must be a SHA-256 hash in 64 lowercase hex digits")
        return value

    def raw(self, name: str, *, required: bool = True) -> Any:
        return self._get(name, required)

    def refuse_unknown(self) -> None:
        unknown = sorted(set(self.values) - self.read)
        if unknown:
            raise BadInput(f"body has unknown fields: {', '.join(unknown)}")
