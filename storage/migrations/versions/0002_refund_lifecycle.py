"""refund lifecycle, wallet, reachability and timezone of customers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("timezone", sa.String(length=64), nullable=True))
    op.add_column(
        "customers", sa.Column("unreachable_at", sa.DateTime(timezone=True), nullable=True)
    )

    refund_columns = [
        sa.Column("gateway", sa.String(length=16), server_default="manual", nullable=False),
        sa.Column("attempt", sa.Integer(), server_default="1", nullable=False),
        sa.Column("provider_ref", sa.String(length=64), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("succeeded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failure_reason", sa.String(length=200), nullable=True),
        sa.Column("shopper_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shopper_not_yet_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("arrival_asked_at", sa.DateTime(timezone=True), nullable=True),
    ]
    for column in refund_columns:
        op.add_column("refunds", column)
    # The provider's reconciliation file names refunds by its own reference.
    op.create_index(op.f("ix_refunds_provider_ref"), "refunds", ["provider_ref"], unique=False)
    # Balance refunds created before the wallet existed were shown as instant; keep them so.
    op.execute("UPDATE refunds SET gateway = 'balance' WHERE channel = 'balance'")

    op.create_table(
        "refund_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=160), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("provider_ref", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["refunds.id"], name=op.f("fk_refund_events_refund_id_refunds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_events")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_refund_events_idempotency_key")),
    )
    op.create_index(
        op.f("ix_refund_events_refund_id"), "refund_events", ["refund_id"], unique=False
    )
    op.create_index(
        op.f("ix_refund_events_provider_ref"), "refund_events", ["provider_ref"], unique=False
    )
    op.create_table(
        "wallet_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_wallet_entries_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["refunds.id"], name=op.f("fk_wallet_entries_refund_id_refunds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_entries")),
        sa.UniqueConstraint("refund_id", name=op.f("uq_wallet_entries_refund_id")),
    )
    op.create_index(
        op.f("ix_wallet_entries_customer_id"), "wallet_entries", ["customer_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_wallet_entries_customer_id"), table_name="wallet_entries")
    op.drop_table("wallet_entries")
    op.drop_index(op.f("ix_refund_events_provider_ref"), table_name="refund_events")
    op.drop_index(op.f("ix_refund_events_refund_id"), table_name="refund_events")
    op.drop_table("refund_events")
    op.drop_index(op.f("ix_refunds_provider_ref"), table_name="refunds")
    with op.batch_alter_table("refunds") as batch:
        for name in (
            "arrival_asked_at",
            "shopper_not_yet_at",
            "shopper_confirmed_at",
            "failure_reason",
            "failed_at",
            "succeeded_at",
            "submitted_at",
            "provider_ref",
            "attempt",
            "gateway",
        ):
            batch.drop_column(name)
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("unreachable_at")
        batch.drop_column("timezone")
