"""the shop's order system: cancels it confirms (the cancelling mark, the requests) and
the events it sends

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "orders", sa.Column("cancelling_since", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_table(
        "cancel_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=80), nullable=False),
        sa.Column("expected_status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_id", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shop_status", sa.String(length=20), nullable=True),
        sa.Column("refund_ref", sa.String(length=64), nullable=True),
        sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_cancel_requests_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_cancel_requests_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cancel_requests")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_cancel_requests_idempotency_key")),
    )
    op.create_index(
        op.f("ix_cancel_requests_order_id"), "cancel_requests", ["order_id"], unique=False
    )
    op.create_index(
        "ix_cancel_requests_state_next",
        "cancel_requests",
        ["state", "next_try_at"],
        unique=False,
    )

    op.create_table(
        "shop_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_shop_events_event_id")),
    )


def downgrade() -> None:
    op.drop_table("shop_events")
    op.drop_index("ix_cancel_requests_state_next", table_name="cancel_requests")
    op.drop_index(op.f("ix_cancel_requests_order_id"), table_name="cancel_requests")
    op.drop_table("cancel_requests")
    op.drop_column("orders", "cancelling_since")
