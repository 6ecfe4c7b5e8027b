"""The inspection draw page (L11 双随机、一公开): the draw for a chosen
checkpoint, computed by the ledger's own draw (`ledger.transparency.draw`),
and the recipe to recompute it from the public checkpoint alone. The draw is
the same for everyone; the page names only the drawn targets the viewer could
read through the API (institutions are public parties, a voucher as
`api.http.access.voucher_readers` allows) and counts the rest as withheld."""

from __future__ import annotations

from typing import Any

from api.http.access import voucher_readers
from api.http.deps import Caller
from api.pages.language import _
from api.pages.rendering import PageRefused
from ledger.aggregates.voucher import Voucher
from ledger.occupations import occupation_label
from ledger.rules import REGIONS
from ledger.transparency import draw as drawing
from ledger.transparency.checkpoints import all_checkpoints

SHOWN_CHECKPOINTS = 50


def draw_context(ledger, caller: Caller, tree_size: int | None, count: int, kind: str, region: str | None
                 ) -> dict[str, Any]:
    if kind not in drawing.KINDS:
        raise PageRefused(400, _("draw institutions or vouchers, not {kind}"), kind=repr(kind[:40]))
    if region and region not in REGIONS:
        raise PageRefused(400, _("unknown region {region}; regions are: {regions}"), region=repr(region[:40]),
                          regions=", ".join(REGIONS))
    checkpoints = all_checkpoints(ledger)
    chosen = None
    if checkpoints:
        chosen = next((c for c in checkpoints if c.tree_size == tree_size), None) if tree_size else checkpoints[-1]
    context: dict[str, Any] = {
        "checkpoints": [c.tree_size for c in reversed(checkpoints)][:SHOWN_CHECKPOINTS], "chosen": chosen,
        "count": count, "kind": kind, "region": region or "", "regions": REGIONS, "asked": tree_size,
        "result": None, "shown": [], "withheld": 0,
        "method": drawing.__doc__.split("Recipe", 1)[-1].split(":", 1)[-1].strip()}
    if chosen is not None:
        result = drawing.draw(ledger, chosen, count, region=region or None, kind=kind)
        context["result"] = result
        labels = {target: _label(ledger, caller, target) for target in result["chosen"]}
        context["shown"] = [(target, label) for target, label in labels.items() if label is not None]
        context["withheld"] = len(labels) - len(context["shown"])
    return context


def _label(ledger, caller: Caller, target: str) -> str | None:
    """A drawn institution's name and region, or a voucher's region and
    occupation; None for a voucher the caller may not read."""
    from uuid import UUID

    found = ledger.find(UUID(target))
    if found is None:
        return ""
    if isinstance(found, Voucher):
        if "voucher" not in voucher_readers(found, caller):
            return None
        return f"{found.region} · {occupation_label(found.occupation, found.level)} · {found.status}"
    return f"{found.name} · {found.region}"
