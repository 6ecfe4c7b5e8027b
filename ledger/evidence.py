"""Evidence is the SHA-256 of a file, never the file (H6): a redemption request
carries the photos, video or platform records behind it, and offline training
may carry its sign-in sheet, photos or video (001: "学员手机定位签到等技术手段…
促进线下培训规范运作"). The files stay with the institution; the hash lets an
inspector check a file shown later against the log."""

from __future__ import annotations

from typing import Any

from ledger.errors import BadInput
from ledger.steps import require

EVIDENCE_KINDS = ("photo", "video", "platform_record", "attendance_sheet", "certificate_scan")
OFFLINE_EVIDENCE_KINDS = ("attendance_sheet", "photo", "video")  # what a practical session leaves behind
MAX_EVIDENCE_ITEMS = 50
HEX_DIGITS = frozenset("0123456789abcdef")


def evidence_items(items: Any, kinds: tuple[str, ...]) -> list[dict[str, str]]:
    """Each item is {kind, sha256}: a kind from `kinds` and 64 lowercase hex digits;
    1 to MAX_EVIDENCE_ITEMS of them, and no hash twice."""
    require(isinstance(items, list) and 1 <= len(items) <= MAX_EVIDENCE_ITEMS, BadInput,
            f"body.evidence must list 1 to {MAX_EVIDENCE_ITEMS} items of {{kind, sha256}} (H6)")
    evidence = []
    for item in items:
        require(isinstance(item, dict) and set(item) == {"kind", "sha256"}, BadInput,
                "each evidence item is {kind, sha256}: the hash of the file, never the file (H6)")
        require(item["kind"] in kinds, BadInput, f"evidence kind must be one of: {', '.join(kinds)}")
        require(isinstance(item["sha256"], str) and len(item["sha256"]) == 64 and set(item["sha256"]) <= HEX_DIGITS,
                BadInput, "evidence sha256 must be 64 lowercase hex digits")
        evidence.append({"kind": item["kind"], "sha256": item["sha256"]})
    hashes = [item["sha256"] for item in evidence]
    require(len(set(hashes)) == len(hashes), BadInput, "body.evidence lists the same file's hash twice")
    return evidence
