"""The request model of each write route: the signed envelope whose `command`
is one of the route's steps and whose `body` is that step's model
(api/http/step_bodies.py); a route taking several steps gets a union
discriminated by `command` (docs/decisions/0050)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from api.http.models import EXAMPLE_ENVELOPE, EXAMPLE_SIGNATURE, Envelope, Personal
from api.http.paths import WriteRoute
from api.http.step_bodies import STEP_BODIES
from api.http.step_examples import STEP_EXAMPLES

EXAMPLE_PERSONAL = {"name": "张伟", "national_id": "110101199003071234", "nonce": "d2b1c0e4a5f6"}


def camel(command: str) -> str:
    return "".join(part.capitalize() for part in command.split("_"))


def envelope_of(command: str) -> type[Envelope]:
    """The envelope of one step: `command` fixed, `body` the step's model."""
    return create_model(  # type: ignore[call-overload, no-any-return]
        f"{camel(command)}Envelope", __base__=Envelope, __doc__=f"A signed `{command}` envelope.",
        command=(Literal[command], Field(description="the ledger step")),
        body=(STEP_BODIES[command], Field(description="the step's fields; unknown fields are refused")))


def example_of(command: str) -> dict[str, Any]:
    envelope = {**EXAMPLE_ENVELOPE, "command": command, "body": STEP_EXAMPLES[command]}
    example = {"envelope": envelope, "signature": EXAMPLE_SIGNATURE}
    if command == "register_party":
        trainee = {"role": "trainee", "public_key": STEP_EXAMPLES["register_party"]["public_key"],
                   "personal_sha256": "5e" * 32, "allowance_groups": ["registered_poor"]}
        return {"envelope": {**envelope, "body": trainee}, "signature": EXAMPLE_SIGNATURE,
                "personal": EXAMPLE_PERSONAL}
    return example


def route_model(route: WriteRoute) -> type[BaseModel]:
    """The body of POST `route.path`."""
    envelopes = [envelope_of(command) for command in route.commands]
    envelope_type: Any = envelopes[0] if len(envelopes) == 1 else Annotated[
        Union[tuple(envelopes)], Field(discriminator="command")]
    fields: dict[str, Any] = {
        "envelope": (envelope_type, ...),
        "signature": (str, Field(max_length=100, description="base64 Ed25519 signature of the canonical envelope")),
    }
    if route.commands == ("register_party",):
        fields["personal"] = (Personal | None, Field(default=None, description="only for a trainee registration"))
    name = camel(route.commands[0]) + "Command" if len(route.commands) == 1 else \
        "Or".join(camel(command) for command in route.commands) + "Command"
    return create_model(  # type: ignore[call-overload, no-any-return]
        name, __config__=ConfigDict(extra="forbid", json_schema_extra={
            "examples": [example_of(command) for command in route.commands]}), **fields)
