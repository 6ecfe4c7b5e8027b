"""A C2SP tlog-witness (c2sp.org/tlog-witness): it keeps its own latest
checkpoint of each log it follows and cosigns, with C2SP ``cosignature/v1``,
only a checkpoint that consistently extends it. The HTTP edge is
api/http/witness_app.py; the command line api/cli/witness.py."""
