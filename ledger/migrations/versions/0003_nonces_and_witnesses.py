"""Two more tables beside the log that cannot be rebuilt from it: the spent
nonces of signed reads (decision 0023; a forgotten nonce could be replayed)
and the witnesses' cosignatures of checkpoints (decision 0041). They were
created on first use; a ledger that already has them keeps them as they are.
Creating them here, with the ledger, also means no two first requests race to
create them.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "vledger_read_nonces" not in existing:
        op.create_table("vledger_read_nonces",
                        sa.Column("actor", sa.String(36), primary_key=True),
                        sa.Column("nonce", sa.String(64), primary_key=True),
                        sa.Column("created", sa.BigInteger, nullable=False))
        op.create_index("ix_vledger_read_nonces_created", "vledger_read_nonces", ["created"])
    if "vledger_witness_cosignatures" not in existing:
        op.create_table("vledger_witness_cosignatures",
                        sa.Column("tree_size", sa.BigInteger, primary_key=True, autoincrement=False),
                        sa.Column("witness_vkey", sa.String(300), primary_key=True),
                        sa.Column("witness_name", sa.String(200), nullable=False),
                        sa.Column("url", sa.Text, nullable=False),
                        sa.Column("timestamp", sa.BigInteger, nullable=False),
                        sa.Column("line", sa.Text, nullable=False))


def downgrade() -> None:
    raise NotImplementedError("a ledger's irreplaceable tables are never dropped by a migration")
