"""The read side of vledger: views rebuilt from the event log."""
