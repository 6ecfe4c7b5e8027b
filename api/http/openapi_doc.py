"""What the OpenAPI document adds to FastAPI's (docs/decisions/0050): a signed
read needs both RFC 9421 headers (one security requirement naming both
schemes, not either), and every read operation shows an example request and
response, taken from a real ledger (api/http/read_examples.json; regenerate
with `python scripts/read-examples.py > api/http/read_examples.json`)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI

EXAMPLES_FILE = Path(__file__).with_name("read_examples.json")


@lru_cache(maxsize=1)
def read_examples() -> dict[str, dict[str, Any]]:
    return json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))


def install(app: FastAPI) -> None:
    """Makes `app.openapi()` return the document with these additions."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            for operations in document["paths"].values():
                for method, operation in operations.items():
                    _both_signature_headers(operation)
                    if method == "get":
                        _read_example(operation, read_examples().get(operation.get("operationId", "")))
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


def _both_signature_headers(operation: dict[str, Any]) -> None:
    requirements = operation.get("security")
    if requirements and len(requirements) > 1:
        merged: dict[str, list[str]] = {}
        for requirement in requirements:
            merged.update(requirement)
        operation["security"] = [merged]


def _read_example(operation: dict[str, Any], example: dict[str, Any] | None) -> None:
    if example is None:
        return
    for parameter in operation.get("parameters", []):
        if parameter["name"] in example["parameters"]:
            parameter["example"] = example["parameters"][parameter["name"]]
    content = operation["responses"]["200"].get("content", {}).get("application/json")
    if content is not None:
        content["example"] = example["response"]
