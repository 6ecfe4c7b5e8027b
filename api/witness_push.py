"""Pushing the ledger's checkpoints to witnesses over HTTP (c2sp.org/tlog-witness):
one ``POST <url>/add-checkpoint`` with the consistency proof from the size the
witness is believed to hold; on 409 the witness names its size and the push is
made again from there (a few times at most). The witness's cosignature lines
are kept when they verify (ledger/transparency/witnessed.py).

``WitnessPusher`` does this in a background thread for `vledger serve
--witness URL`: it never blocks a write; a failure is logged and retried with
a doubling pause."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from ledger.errors import Conflict, NotFound
from ledger.transparency.checkpoints import Checkpoint, latest_checkpoint
from ledger.transparency.witnessed import add_checkpoint_request, keep_cosignatures, last_witnessed_size

MAX_ATTEMPTS = 4
MAX_ANSWER_BYTES = 65_536  # ample for 100 cosignature lines
TIMEOUT_SECONDS = 30.0
INTERVAL_SECONDS = 2.0
MAX_BACKOFF_SECONDS = 300.0
log = logging.getLogger("vledger.witness")


@dataclass(frozen=True)
class Pushed:
    url: str
    tree_size: int
    cosigned_by: list[str]


def push_checkpoint(ledger, url: str, witness_vkeys: Sequence[str], checkpoint: Checkpoint | None = None,
                    client: httpx.Client | None = None) -> Pushed:
    """Has the witness at ``url`` cosign ``checkpoint`` (default: the latest) and keeps its cosignature."""
    checkpoint = checkpoint or latest_checkpoint(ledger)
    if checkpoint is None:
        raise NotFound("no checkpoint has been recorded yet; run `vledger checkpoint`")
    endpoint = url.rstrip("/") + "/add-checkpoint"
    old_size = min(last_witnessed_size(ledger, url), checkpoint.tree_size)
    owned = client is None
    client = client or httpx.Client(timeout=TIMEOUT_SECONDS)
    try:
        for _attempt in range(MAX_ATTEMPTS):
            body = add_checkpoint_request(ledger, checkpoint, old_size)
            try:
                response = client.post(endpoint, content=body, headers={"Content-Type": "text/plain; charset=utf-8"})
            except httpx.HTTPError as error:
                raise Conflict(f"the witness at {url} cannot be reached: {error}") from None
            if response.status_code == 409:
                old_size = _witness_size(url, response)
                continue
            if response.status_code != 200:
                raise Conflict(f"the witness at {url} refused checkpoint {checkpoint.tree_size} "
                               f"({response.status_code}): {_detail(response)}")
            if len(response.content) > MAX_ANSWER_BYTES:
                raise Conflict(f"the witness at {url} answered more than {MAX_ANSWER_BYTES} bytes of cosignatures")
            names = keep_cosignatures(ledger, checkpoint, url, response.text, list(dict.fromkeys(witness_vkeys)))
            return Pushed(url, checkpoint.tree_size, names)
    finally:
        if owned:
            client.close()
    raise Conflict(f"the witness at {url} kept answering 409 (its size changes under us); try again")


def _witness_size(url: str, response: httpx.Response) -> int:
    text = response.text
    if not text.endswith("\n") or not text[:-1].isdigit() or len(text) > 20:
        raise Conflict(f"the witness at {url} answered 409 without its tree size")
    return int(text[:-1])


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", response.text[:200]))
    except ValueError:
        return response.text[:200]


class WitnessPusher:
    """Pushes each new checkpoint to each witness, in its own thread."""

    def __init__(self, ledger, urls: Sequence[str], witness_vkeys: Sequence[str],
                 interval_seconds: float = INTERVAL_SECONDS) -> None:
        self.ledger, self.urls, self.witness_vkeys = ledger, list(urls), list(witness_vkeys)
        self.interval_seconds = interval_seconds
        self.stopping = threading.Event()
        self.pushed: dict[str, int] = {}
        self.retry_at: dict[str, tuple[float, float]] = {}  # url → (monotonic time, pause) after a failure
        self.thread = threading.Thread(target=self._run, name="vledger-witness-push", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=TIMEOUT_SECONDS + 5)

    def _run(self) -> None:
        with httpx.Client(timeout=TIMEOUT_SECONDS) as client:
            while not self.stopping.is_set():
                try:
                    latest = latest_checkpoint(self.ledger)
                except Exception:  # keep serving; the next round tries again
                    log.exception("reading the latest checkpoint failed")
                    latest = None
                for url in self.urls if latest is not None else ():
                    self._push(client, url, latest)
                self.stopping.wait(self.interval_seconds)

    def _push(self, client: httpx.Client, url: str, latest: Checkpoint) -> None:
        if self.pushed.get(url, -1) >= latest.tree_size or time.monotonic() < self.retry_at.get(url, (0, 0))[0]:
            return
        try:
            pushed = push_checkpoint(self.ledger, url, self.witness_vkeys, latest, client)
        except Exception as error:  # logged and retried with a doubling pause
            pause = min(MAX_BACKOFF_SECONDS, max(self.interval_seconds, self.retry_at.get(url, (0, 0))[1] * 2))
            self.retry_at[url] = (time.monotonic() + pause, pause)
            log.warning("witness %s did not cosign checkpoint %s: %s; retrying in %.0f s",
                        url, latest.tree_size, error, pause)
            return
        self.retry_at.pop(url, None)
        self.pushed[url] = pushed.tree_size
        log.info("witness %s cosigned checkpoint %s (%s)", url, pushed.tree_size, ", ".join(pushed.cosigned_by))
