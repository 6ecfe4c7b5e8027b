"""The OpenAPI document other languages generate clients from (issue 16 item 5,
docs/decisions/0050): readable operation ids everywhere, real body schemas for
every write, an example request and response per operation that is valid by
the document's own schemas, and the signed reads' security schemes."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema_rs
import pytest

from api.http.app import create_app
from api.http.paths import WRITE_ROUTES
from api.http.route_models import camel


class NoLedger:
    """The document needs no ledger."""


DOCUMENT = create_app(ledger=NoLedger()).openapi()  # type: ignore[arg-type]
OPERATIONS = [(path, method, operation) for path, methods in DOCUMENT["paths"].items()
              for method, operation in methods.items()]


def valid(schema: dict[str, Any], value: Any) -> bool:
    return jsonschema_rs.validator_for({**schema, "components": DOCUMENT["components"]}).is_valid(value)


def test_every_operation_has_a_readable_unique_operation_id() -> None:
    ids = [operation["operationId"] for _, _, operation in OPERATIONS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)*", operation_id) for operation_id in ids), ids
    named = {(path, method): operation["operationId"] for path, method, operation in OPERATIONS}
    assert named[("/v1/vouchers/{voucher_id}", "get")] == "getVoucher"
    assert named[("/v1/vouchers", "post")] == "issueVoucher"
    assert named[("/v1/vouchers", "get")] == "listVouchers"


def test_signed_reads_need_both_rfc_9421_headers_and_public_reads_none() -> None:
    schemes = DOCUMENT["components"]["securitySchemes"]
    assert {schemes[name]["name"] for name in ("readSignatureInput", "readSignature")} == {"Signature-Input",
                                                                                          "Signature"}
    secured = {path for path, method, operation in OPERATIONS if operation.get("security")}
    for path, method, operation in OPERATIONS:
        if path in secured and method == "get":
            assert operation["security"] == [{"readSignatureInput": [], "readSignature": []}], path
    assert "/v1/vouchers/{voucher_id}" in secured and "/v1/keys" not in secured
    assert "/v1/checkpoints/latest" not in secured


@pytest.mark.parametrize("route", WRITE_ROUTES, ids=lambda route: route.path)
def test_each_write_publishes_its_steps_body_and_examples_valid_by_it(route) -> None:
    operation = DOCUMENT["paths"][route.path]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    component = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert len(component["examples"]) == len(route.commands)
    for example, command in zip(component["examples"], route.commands):
        assert example["envelope"]["command"] == command and valid(schema, example)
        refused = {**example, "envelope": {**example["envelope"], "body": {**example["envelope"]["body"], "x": 1}}}
        assert not valid(schema, refused)
    envelopes = [DOCUMENT["components"]["schemas"][f"{camel(command)}Envelope"] for command in route.commands]
    for envelope in envelopes:
        body = DOCUMENT["components"]["schemas"][envelope["properties"]["body"]["$ref"].rsplit("/", 1)[1]]
        assert body["additionalProperties"] is False and '"additionalProperties": true' not in json.dumps(body)
    result = operation["responses"]["201"]["content"]["application/json"]
    assert valid(result["schema"], result["example"]) and result["example"]["command"] == route.commands[0]


@pytest.mark.parametrize("path, operation", [(path, operation) for path, method, operation in OPERATIONS
                                             if method == "get" and path != "/metrics"])
def test_each_read_shows_an_example_request_and_response_valid_by_its_schemas(path: str, operation) -> None:
    content = operation["responses"]["200"]["content"]["application/json"]
    assert "example" in content, path
    assert valid(content["schema"], content["example"]), path
    for parameter in operation.get("parameters", []):
        if parameter.get("required"):
            assert "example" in parameter, (path, parameter["name"])
        if "example" in parameter:
            assert valid(parameter["schema"], parameter["example"]), (path, parameter["name"])
