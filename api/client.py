"""A small client for the parties: it loads a key file, builds and signs
envelopes (`ledger.envelope.sign_command`), sends each step to its endpoint
(`api/http/paths.py`) and signs read requests (RFC 9421, `api/http/read_auth.py`).

    client = LedgerClient.from_key_file("http://127.0.0.1:8000", "bureau.json")
    client.submit("issue_voucher", voucher_id, {...})
    client.get(f"/v1/vouchers/{voucher_id}")
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import httpx

from api.http.paths import BATCH_PATH, ROUTE_BY_COMMAND
from api.http.read_auth import ReadSigner
from ledger.envelope import sign_command, utc_now
from ledger.errors import BadInput
from ledger.signing import SigningKey

TIMEOUT_SECONDS = 30.0
POSITION_HEADER = "Vledger-Position"  # a write reply's log position (api/http/read_side.py)


class ApiProblem(Exception):
    """The server refused the request; `problem` is its RFC 9457 body."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        self.status = status
        self.problem = problem
        rule = f"{problem['rule']}: " if problem.get("rule") else ""
        super().__init__(f"{status} {rule}{problem.get('detail') or problem.get('title') or 'refused'}")


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]
    replayed: bool


class LedgerClient:
    def __init__(self, base_url: str | None, key: SigningKey, *, http: httpx.Client | None = None,
                 clock: Callable[[], datetime] = utc_now, ledger: str | None = None) -> None:
        if http is None and not base_url:
            raise BadInput("the client needs a server URL, e.g. http://127.0.0.1:8000")
        self.key = key
        self.clock = clock
        self._ledger = ledger
        self.http = http or httpx.Client(base_url=base_url, timeout=TIMEOUT_SECONDS)
        self.position = 0  # the log position of this client's last write; its reads ask for it (read-your-writes)

    @classmethod
    def from_key_file(cls, base_url: str, path: Path | str, **options: Any) -> "LedgerClient":
        return cls(base_url, SigningKey.load(Path(path)), **options)

    def close(self) -> None:
        self.http.close()

    # -- writes --------------------------------------------------------------

    def sign(self, command: str, target: uuid.UUID | str, body: dict[str, Any], *,
             command_id: uuid.UUID | None = None) -> dict[str, Any]:
        return sign_command(self.key, command, target, body, command_id=command_id, signed_at=self.clock(),
                            ledger=self.ledger)

    @property
    def ledger(self) -> str:
        """The name envelopes carry: the server's checkpoint origin (GET /v1/keys), asked once."""
        if self._ledger is None:
            self._ledger = self.get("/v1/keys", {"limit": 1}, signed=False)["origin"]
        return self._ledger

    def send(self, signed: dict[str, Any], personal: dict[str, Any] | None = None) -> Reply:
        """Posts a signed envelope to its step's endpoint; refusals raise ApiProblem."""
        envelope = signed["envelope"]
        route = ROUTE_BY_COMMAND.get(envelope["command"])
        if route is None:
            raise BadInput(f"unknown step {envelope['command']!r}; known: {', '.join(sorted(ROUTE_BY_COMMAND))}")
        payload = dict(signed)
        if personal is not None:
            payload["personal"] = personal
        response = self.http.post(route.url(envelope["target"], envelope["body"]), json=payload)
        self._note_position(response)
        return Reply(response.status_code, _json_or_problem(response),
                     response.headers.get("Idempotent-Replay") == "true")

    def send_batch(self, commands: list[tuple[dict[str, Any], dict[str, Any] | None]]) -> list[Reply | ApiProblem]:
        """Posts signed envelopes together (POST /v1/command-batches), decided in this order; each command's
        reply, or its refusal as an ApiProblem. A refusal of the whole batch raises ApiProblem."""
        items = [dict(signed, personal=personal) if personal is not None else signed for signed, personal in commands]
        response = self.http.post(BATCH_PATH, json={"commands": items})
        self._note_position(response)
        answers: list[Reply | ApiProblem] = []
        for item in _json_or_problem(response)["results"]:
            if item["status"] >= 400:
                answers.append(ApiProblem(item["status"], item["problem"]))
            else:
                answers.append(Reply(item["status"], item["result"], item["status"] == 200))
        return answers

    def _note_position(self, response: httpx.Response) -> None:
        position = response.headers.get(POSITION_HEADER, "")
        if position.isascii() and position.isdigit():
            self.position = max(self.position, int(position))

    def submit(self, command: str, target: uuid.UUID | str, body: dict[str, Any], *,
               personal: dict[str, Any] | None = None, command_id: uuid.UUID | None = None) -> dict[str, Any]:
        """Signs and sends one step; returns the recorded result."""
        return self.send(self.sign(command, target, body, command_id=command_id), personal).body

    # -- reads ---------------------------------------------------------------

    def get(self, path: str, params: dict[str, Any] | None = None, *, signed: bool = True) -> dict[str, Any]:
        auth = ReadSigner(self.key, self.clock) if signed else None
        headers = {POSITION_HEADER: str(self.position)} if self.position else None
        return _json_or_problem(self.http.get(path, params=params, auth=auth, headers=headers))

    def get_all(self, path: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Every item of a paginated list, following `next_cursor`."""
        params = dict(params or {})
        items: list[dict[str, Any]] = []
        while True:
            result = self.get(path, params)
            items.extend(result["items"])
            if not result.get("next_cursor"):
                return items
            params["cursor"] = result["next_cursor"]


def _json_or_problem(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = {"detail": response.text[:500]}
    if response.status_code >= 400:
        raise ApiProblem(response.status_code, body if isinstance(body, dict) else {"detail": str(body)})
    return body
