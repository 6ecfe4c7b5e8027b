"""The write side of vledger: signed, chained voucher events on eventsourcing."""
