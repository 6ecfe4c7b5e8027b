"""The views record which definition of their tables built them
(`view_schema`: one row per view table with a fingerprint of its columns and
indexes), so that a changed view table is rebuilt instead of silently kept
(projections/view_schema.py). A ledger upgraded to this revision has no rows
yet: its views are rebuilt once, from the log, on their next use.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "view_schema" not in set(sa.inspect(op.get_bind()).get_table_names()):
        op.create_table("view_schema",
                        sa.Column("view_table", sa.String(100), primary_key=True),
                        sa.Column("fingerprint", sa.String(64), nullable=False))


def downgrade() -> None:
    op.drop_table("view_schema")
