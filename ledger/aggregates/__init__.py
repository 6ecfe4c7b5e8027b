"""Aggregates of the voucher loop (L7). Every event carries `facts` (what
happened, plain JSON) and `seal` (envelope, signature, chain link, own hash).
The `@event` bodies only apply facts; every rule is checked before them."""
