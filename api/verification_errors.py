"""What a verified read raises (api/verified_client.py; docs/decisions/0043):
one `VerificationFailed`, whose subclass names what did not verify. These are
the client's findings about a server, not the ledger's refusals, so they are
not `LedgerError`s (the HTTP problem table maps those); the command line
gives them exit 1, as every failed verification (api/cli/failures.py)."""

from __future__ import annotations


class VerificationFailed(Exception):
    """A read did not verify; the subclass names what did not."""

    what = "the read"
    rule: str | None = None

    def __init__(self, message: str) -> None:
        self.message = f"{self.what}: {message}"
        super().__init__(self.message)


class BadSignature(VerificationFailed):
    what = "bad checkpoint signature"


class ProofMismatch(VerificationFailed):
    what = "inclusion proof mismatch"


class BadEvent(VerificationFailed):
    what = "bad event"


class LogRewritten(VerificationFailed):
    what = "log rewritten"


class ContentMismatch(VerificationFailed):
    what = "served content mismatch"
