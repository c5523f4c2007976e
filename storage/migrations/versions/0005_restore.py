"""restoring a mistaken cancel: the order's restore marks, wallet debits, restore requests

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-09
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("restoring_since", sa.DateTime(timezone=True)))
    op.add_column("orders", sa.Column("restored_at", sa.DateTime(timezone=True)))
    op.add_column(
        "cancel_requests",
        sa.Column("kind", sa.String(length=16), server_default="cancel", nullable=False),
    )
    op.add_column("cancel_requests", sa.Column("target_status", sa.String(length=20)))
    # A refund may now be credited, taken back and credited again (one row each): the
    # ledger's uniqueness moves from the refund to the entry's own key.
    op.add_column("wallet_entries", sa.Column("entry_key", sa.String(length=60)))
    op.execute(
        "UPDATE wallet_entries SET entry_key = 'credit:' || CAST(refund_id AS VARCHAR(20)) "
        # (the colon is escaped: SQLAlchemy would read ":1" as a parameter)
        "|| '\\:1' WHERE refund_id IS NOT NULL"
    )
    op.execute(
        "UPDATE wallet_entries SET entry_key = 'entry:' || CAST(id AS VARCHAR(20)) "
        "WHERE entry_key IS NULL"
    )
    with op.batch_alter_table("wallet_entries") as batch:
        batch.alter_column("entry_key", existing_type=sa.String(length=60), nullable=False)
        batch.drop_constraint("uq_wallet_entries_refund_id", type_="unique")
        batch.create_unique_constraint("uq_wallet_entries_entry_key", ["entry_key"])
        batch.create_index("ix_wallet_entries_refund_id", ["refund_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("wallet_entries") as batch:
        batch.drop_index("ix_wallet_entries_refund_id")
        batch.drop_constraint("uq_wallet_entries_entry_key", type_="unique")
        batch.create_unique_constraint("uq_wallet_entries_refund_id", ["refund_id"])
        batch.drop_column("entry_key")
    op.drop_column("cancel_requests", "target_status")
    op.drop_column("cancel_requests", "kind")
    op.drop_column("orders", "restored_at")
    op.drop_column("orders", "restoring_since")
