"""The edges of vledger: command line, HTTP API, inspector pages."""
