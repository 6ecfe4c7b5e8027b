"""One form per step, generated from the step's body model (api/http/step_bodies.py),
for every step a role may take (ledger/steps, `roles=`) that has no curated form
on its Work page (issue 14 item 1). Each field of the model becomes one widget:
a select from a Literal, a checkbox for a bool, a number with its limits, a date,
an id, a line of text, one line per item for a list of texts, rows of files to
hash for evidence. The browser reads the widgets into the body, checks them
before signing (static/work.js), and the ledger checks them again."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from api.http.models import UUID_PATTERN
from api.http.paths import ROUTE_BY_COMMAND
from api.http.step_bodies import STEP_BODIES, StepBody
from ledger.steps import load_all_steps

# The steps each role's Work page already has a form of its own for (templates/work_<role>.html).
CURATED: dict[str, frozenset[str]] = {
    "bureau": frozenset({"issue_voucher", "approve_filing", "reject_filing", "review_redemption"}),
    "institution": frozenset({"enrol", "request_redemption"}),
    "assessor": frozenset({"assess"}),
    "finance": frozenset({"prepay", "pay"}),
    "trainee": frozenset({"claim_voucher", "choose_institution"}),
}
# Steps that create the record they name: the form picks a new id (ledger.steps.require_new_target).
CREATING = frozenset({"register_party", "file_class", "issue_voucher"})
# Steps recorded at an id the ledger fixes for the party or its region (ledger/steps/periods.py).
FIXED_TARGET = frozenset({"end_epidemic_period", "adopt_segmented_subsidy"})
NOT_ON_PAGES = frozenset({"genesis"})  # the root's first act, done once by `vledger init`
DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"


@dataclass(frozen=True)
class FormField:
    name: str
    widget: str  # text, integer, day, uuid, moment, sha256, select, checkbox, yes-no, lines, choices, evidence
    required: bool
    description: str = ""
    options: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    pattern: str | None = None  # the model's regular expression, checked in the browser too

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")


@dataclass(frozen=True)
class StepForm:
    command: str
    description: str
    route: str
    target: str  # "new", "fixed" or "typed"
    fields: tuple[FormField, ...]
    target_param: str | None = None
    personal: bool = False  # a trainee's name and national ID go beside the envelope, never in it
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def on_voucher(self) -> bool:
        return self.target_param == "voucher_id"

    @property
    def step_name(self) -> str:
        """The step as its button names it, e.g. "register party"."""
        return self.command.replace("_", " ")

    @property
    def target_label(self) -> str:
        """The id the form asks for, e.g. "voucher id" for `voucher_id`."""
        return (self.target_param or "").replace("_", " ")


def _widget(name: str, schema: dict[str, Any], definitions: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The widget for one JSON-schema property, and the limits it shows."""
    if "enum" in schema or "const" in schema:
        return "select", {"options": tuple(schema.get("enum", (schema.get("const"),)))}
    kind = schema.get("type")
    if kind == "boolean":
        return "checkbox", {}
    if kind == "integer":
        return "integer", {"minimum": schema.get("minimum"), "maximum": schema.get("maximum")}
    if kind == "array":
        items = schema.get("items", {})
        if "$ref" in items:
            item = definitions[items["$ref"].rsplit("/", 1)[-1]]
            assert set(item["properties"]) == {"kind", "sha256"}, f"{name}: no widget for items {item['title']}"
            return "evidence", {"options": tuple(item["properties"]["kind"]["enum"])}
        if "enum" in items:
            return "choices", {"options": tuple(items["enum"])}
        return "lines", {"max_length": items.get("maxLength")}
    pattern = schema.get("pattern")
    if pattern == UUID_PATTERN:
        return "uuid", {}
    if pattern == DAY_PATTERN:
        return "day", {}
    if pattern == SHA256_PATTERN:
        return "sha256", {}
    if "ISO 8601 time" in schema.get("description", ""):
        return "moment", {}
    return "text", {"max_length": schema.get("maxLength"), "pattern": pattern}


def fields_of(model: type[StepBody]) -> tuple[FormField, ...]:
    """The form fields of a step's body model, in the model's order."""
    schema = model.model_json_schema()
    definitions = schema.get("$defs", {})
    required = set(schema.get("required", ()))
    made = []
    for name, property_schema in schema.get("properties", {}).items():
        chosen = property_schema
        if "anyOf" in property_schema:  # Optional[X]: X or null
            chosen = next(option for option in property_schema["anyOf"] if option.get("type") != "null")
        widget, limits = _widget(name, chosen, definitions)
        is_required = name in required
        if widget == "checkbox" and not is_required:
            widget = "yes-no"  # an optional bool may be left out
        made.append(FormField(name, widget, is_required, property_schema.get("description") or
                              chosen.get("description") or "", **{k: v for k, v in limits.items() if v is not None}))
    return tuple(made)


def steps_for_role(role: str) -> list[str]:
    """Every step `role` may take that its Work page has no curated form for, in the registry's order."""
    curated = CURATED.get(role, frozenset())
    return [name for name, step in load_all_steps().items()
            if role in step.roles and name not in curated and name not in NOT_ON_PAGES]


def first_sentence(function) -> str:
    """The first sentence of a step's docstring, on one line."""
    text = " ".join((function.__doc__ or "").split())
    end = re.search(r"(?<!e\.g)(?<!i\.e)\. ", text)  # "e.g. " does not end it
    return text if end is None else text[:end.start() + 1]


def step_form(command: str, role: str) -> StepForm:
    step = load_all_steps()[command]
    route = ROUTE_BY_COMMAND[command]
    fields = fields_of(STEP_BODIES[command])
    personal = command == "register_party" and role == "bureau"
    if personal:  # the browser computes the commitment from the personal data
        fields = tuple(f for f in fields if f.name != "personal_sha256")
    target = "new" if command in CREATING else "fixed" if command in FIXED_TARGET else "typed"
    return StepForm(command, first_sentence(step.run), route.path, target, fields, route.target_param, personal)


def forms_for_role(role: str) -> list[StepForm]:
    return [step_form(command, role) for command in steps_for_role(role)]
