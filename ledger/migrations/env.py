"""Alembic's environment for vledger: always runs on the connection that
`ledger.schema.upgrade` hands over (never from alembic.ini)."""

from alembic import context

from ledger.schema import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table=VERSION_TABLE, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
