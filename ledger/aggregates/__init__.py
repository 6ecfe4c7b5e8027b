"""Aggregates of the voucher loop (L7). Every event carries `facts` (what
happened, plain JSON) and `seal` (envelope, signature, chain link, own hash).
The `@event` bodies only apply facts; every rule is checked before them.

Importing the package defines every aggregate, so every stable topic
(`vledger:Voucher.Issued`) and every module-path topic of the log before
issue 16 (ledger/historical_topics.json) resolves, in any process."""

from eventsourcing.utils import resolve_topic

from ledger.aggregates import filing, indexes, party, periods, voucher  # noqa: F401 - each defines its topics
from ledger.event_types import register_historical_topics

register_historical_topics(resolve_topic)
