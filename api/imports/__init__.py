"""Bulk import of spreadsheets as signed commands, one row at a time (issue 14 item 2)."""
