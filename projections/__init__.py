"""The read side of vledger: views rebuilt from the event log, never written
by hand (DESIGN.md). One projection (`views.LedgerViews`) keeps every view
table (`view_*`) in the ledger's database with one tracking position.

Entry points: `catch_up` (bring the views up to date; call before reading),
`rebuild`, `replay` and `as_of_sequence` (time travel, in memory),
`compare_views` (stored views against a fresh replay), and the read queries
in `projections.queries`."""

from projections.replay import Difference, as_of_sequence, compare_views, replay
from projections.runner import CatchUp, catch_up, position, rebuild
from projections.views import VIEW_NAMES

__all__ = ["CatchUp", "Difference", "VIEW_NAMES", "as_of_sequence", "catch_up", "compare_views", "position",
           "rebuild", "replay"]
