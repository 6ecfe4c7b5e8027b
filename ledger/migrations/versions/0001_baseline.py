"""Baseline: the tables beside the log that cannot be rebuilt from it, as
they were before schema versions (main as of 2026-12-04): the personal-data
keys (N1, crypto-shredding), the signed checkpoints (J1) and the records of
verification runs. On a ledger made before versions existed they are already
there and are kept as they are; on a new database they are created.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "vledger_personal_keys" not in existing:
        op.create_table("vledger_personal_keys",
                        sa.Column("trainee", sa.String(36), primary_key=True),
                        sa.Column("key", sa.LargeBinary, nullable=False))
    if "vledger_checkpoints" not in existing:
        op.create_table("vledger_checkpoints",
                        sa.Column("tree_size", sa.BigInteger, primary_key=True, autoincrement=False),
                        sa.Column("root_hash", sa.String(64), nullable=False),
                        sa.Column("timestamp", sa.String(40), nullable=False),
                        sa.Column("signature", sa.String(100), nullable=False),
                        sa.Column("timestamp_signature", sa.String(100), nullable=False),
                        sa.Column("cosignatures", sa.Text, nullable=False))
    if "vledger_verifications" not in existing:
        op.create_table("vledger_verifications",
                        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                        sa.Column("finished_at", sa.String(40), nullable=False),
                        sa.Column("intact", sa.Boolean, nullable=False),
                        sa.Column("events_checked", sa.Integer, nullable=False),
                        sa.Column("checkpoints_checked", sa.Integer, nullable=False),
                        sa.Column("first_problem", sa.Text),
                        sa.Column("summary", sa.Text, nullable=False))


def downgrade() -> None:
    raise NotImplementedError("a ledger's irreplaceable tables are never dropped by a migration")
