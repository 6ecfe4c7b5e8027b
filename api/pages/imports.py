"""Importing a roster, sessions or results file through the page (issue 14
item 3). The server never holds the party's key, so it only reads: it parses
the uploaded file with the same code as `vledger import` (api/imports/plan.py)
and answers each row's unsigned steps (or the sentence refusing the row); the
browser signs each step with the key kept at login (static/envelope.js,
static/import.js) and sends it to the step's route; then it posts the
outcomes back and the server writes the outcome file with the CLI's writer
(api/imports/runner.py write_outcomes). A roster's new trainees get key pairs
made in the browser, which the server never sees either."""

from __future__ import annotations

import base64
import binascii
import json
import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from api.http.paths import ROUTE_BY_COMMAND
from api.imports.kinds import KINDS, ImportKind
from api.imports.plan import PlannedRow, plan, read_import, write_template
from api.imports.runner import RowOutcome, outcome_path, write_outcomes
from api.pages.downloads import MEDIA_TYPES
from api.pages.language import Word, _, language_of, rule_lines
from api.pages.rendering import PageRefused, PageRoute, Viewer, render, viewer
from api.spreadsheets import FORMATS, MAX_CELL_CHARACTERS
from ledger.errors import BadInput

router = APIRouter(route_class=PageRoute, include_in_schema=False)
OUTCOMES = ("recorded", "refused", "already recorded", "not sent")
FILE_NAME = re.compile(r"[^\w.\- ]+")
MAX_FILE_NAME_CHARACTERS = 120
MAX_IDS_PER_ROW = 4


def importers(kind: ImportKind) -> tuple[str, ...]:
    """The roles whose key imports this kind, as `vledger import` allows them."""
    return (kind.role, "institution") if kind.name == "results" else (kind.role,)


def _kind_for(who: Viewer, name: str) -> ImportKind:
    kind = KINDS.get(name)
    if kind is None:
        raise PageRefused(404, _("no import {name}; imports are: {kinds}"), name=repr(name[:40]),
                          kinds=", ".join(KINDS))
    if who.role not in importers(kind):
        roles = [Word(role) for role in importers(kind)]
        message = (_("a {kind} file is imported with the key of a party whose role is {importer}; your role is {role}")
                   if len(roles) == 1 else
                   _("a {kind} file is imported with the key of a party whose role is {importer} or {other}; your "
                     "role is {role}"))
        raise PageRefused(403, message, kind=Word(kind.name), importer=roles[0], other=roles[-1], role=Word(who.role))
    return kind


def _file_name(text: str, name: str) -> str:
    """The uploaded file's name, kept to letters, digits, dot, dash and space (it names the outcome file)."""
    cleaned = FILE_NAME.sub("_", Path(text or "").name)[:MAX_FILE_NAME_CHARACTERS].strip(" .")
    return cleaned or f"{name}.xlsx"


def _saved(folder: str, file_name: str, content: bytes) -> Path:
    path = Path(folder) / file_name
    path.write_bytes(content)
    return path


def _attachment(file_name: str) -> str:
    plain = file_name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(file_name)}"


@router.get("/import")
def import_page(request: Request, kind: str = Query(default="", max_length=20)) -> Response:
    who = viewer(request)
    allowed = [name for name, each in KINDS.items() if who.role in importers(each)]
    routes = {command: route.path for command, route in ROUTE_BY_COMMAND.items()}
    return render(request, "import.html", kinds=allowed, chosen=kind if kind in allowed else (allowed or [""])[0],
                  routes=routes, all_kinds=list(KINDS), rule_lines=rule_lines(language_of(request)))


@router.get("/import/{name}/template.{file_format}")
def template(request: Request, name: str, file_format: str) -> Response:
    viewer(request)
    kind = KINDS.get(name)
    if kind is None or file_format not in FORMATS:
        raise PageRefused(404, _("no template {name}; templates are roster, sessions, results as .csv or .xlsx"),
                          name=f"{name[:40]}.{file_format[:8]}")
    with tempfile.TemporaryDirectory(prefix="vledger-template-") as folder:
        path = Path(folder) / f"{name}.{file_format}"
        write_template(kind, path)
        content = path.read_bytes()
    return Response(content, media_type=MEDIA_TYPES[file_format],
                    headers={"Content-Disposition": _attachment(f"{name}-template.{file_format}"),
                             "Cache-Control": "no-store"})


def _planned_json(planned: PlannedRow) -> dict[str, Any]:
    if planned.refusal is not None:
        return {"row": planned.row, "outcome": "refused", "rule": planned.rule, "reason": planned.refusal}
    steps = []
    for each in planned.steps:
        step = each.step
        shown: dict[str, Any] = {"command_id": str(each.command_id), "command": step.command,
                                 "target": str(step.target), "body": dict(step.body)}
        if step.personal is not None:
            shown["personal"] = step.personal
        if step.key_for_trainee is not None:  # the browser makes the trainee's key pair; the server's is dropped
            shown["body"]["public_key"] = None
            shown["trainee_key"] = True
        steps.append(shown)
    return {"row": planned.row, "steps": steps, "ids": [each["target"] for each in steps]}


@router.post("/import/{name}/plan.json")
async def plan_file(request: Request, name: str, file: str = Query(default="", max_length=300)) -> JSONResponse:
    """The file's rows, each as its unsigned steps or its refusal; a file that
    cannot be read as this kind is refused in one sentence (400)."""
    who = viewer(request)
    kind = _kind_for(who, name)
    content = await request.body()
    file_name = _file_name(file, name)
    with tempfile.TemporaryDirectory(prefix="vledger-import-") as folder:
        source = read_import(_saved(folder, file_name, content), kind)
        rows = [_planned_json(planned) for planned in plan(kind, source, who.id)]
    return JSONResponse({"kind": kind.name, "file": file_name, "sha256": source.digest, "signer": who.id,
                         "rows": rows}, headers={"Cache-Control": "no-store"})


def _outcome(item: Any, rows: set[int]) -> RowOutcome:
    if not isinstance(item, dict) or item.get("row") not in rows or item.get("outcome") not in OUTCOMES:
        raise BadInput("each outcome is {row, outcome, rule, reason, ids} with a row of the file and an outcome "
                       f"among: {', '.join(OUTCOMES)}")

    def text(value: Any) -> str | None:
        return str(value)[:MAX_CELL_CHARACTERS] if value not in (None, "") else None

    ids = item.get("ids") or []
    if not isinstance(ids, list) or len(ids) > MAX_IDS_PER_ROW:
        raise BadInput(f"a row's ids are a list of at most {MAX_IDS_PER_ROW}")
    return RowOutcome(item["row"], item["outcome"], text(item.get("rule")), text(item.get("reason")),
                      [str(each)[:36] for each in ids])


@router.post("/import/{name}/outcome.json")
async def outcome_file(request: Request, name: str) -> Response:
    """The outcome file: the uploaded file (base64) with each row's outcome as
    the browser saw it, written as `vledger import` writes it (same format as
    the upload, the outcome columns added). Rows the browser sent no outcome for are `not sent`."""
    who = viewer(request)
    kind = _kind_for(who, name)
    try:
        sent = json.loads(await request.body() or b"null")
        content = base64.b64decode(sent["content"], validate=True)
        given = sent["outcomes"]
        assert isinstance(given, list)
    except (ValueError, KeyError, TypeError, AssertionError, binascii.Error):
        raise BadInput("send {file, content (the file in base64), outcomes: [{row, outcome, rule, reason, ids}]} "
                       "as JSON") from None
    file_name = _file_name(str(sent.get("file", "")), name)
    with tempfile.TemporaryDirectory(prefix="vledger-outcome-") as folder:
        source = read_import(_saved(folder, file_name, content), kind)
        numbers = {number for number, _ in source.rows}
        outcomes = {outcome.row: outcome for outcome in (_outcome(item, numbers) for item in given)}
        for number in numbers - set(outcomes):
            outcomes[number] = RowOutcome(number, "not sent", None, "the page sent no outcome for this row; "
                                                                    "upload the same file again")
        out = write_outcomes(source, list(outcomes.values()), Path(folder) / outcome_path(Path(file_name)).name)
        body = out.read_bytes()
    return Response(body, media_type=MEDIA_TYPES[out.suffix.lstrip(".")],
                    headers={"Content-Disposition": _attachment(out.name), "Cache-Control": "no-store"})
