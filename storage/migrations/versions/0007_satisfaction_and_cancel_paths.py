"""satisfaction surveys (one per case) and the way each order was cancelled

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("cancel_path", sa.String(length=20), nullable=True))
    # Orders cancelled before: the way their cancel went is who wrote it, as the audit log
    # kept it (the shopper, a staff member approving, the shop). Imported ones stay unknown.
    op.execute(
        """
        UPDATE orders SET cancel_path = (
            SELECT CASE
                WHEN audit_log.actor LIKE 'tg:%' THEN 'direct'
                WHEN audit_log.actor LIKE 'staff:%' THEN 'application'
                WHEN audit_log.actor = 'shop' THEN 'shop'
            END
            FROM audit_log
            WHERE audit_log.order_id = orders.id AND audit_log.action = 'order.cancelled'
            ORDER BY audit_log.id DESC
            LIMIT 1
        )
        WHERE status = 'cancelled'
        """
    )
    op.create_index(
        "ix_orders_status_cancelled", "orders", ["status", "cancelled_at"], unique=False
    )

    op.create_table(
        "satisfaction_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_key", sa.String(length=80), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.String(length=300), nullable=True),
        sa.Column("commented_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_satisfaction_surveys_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_satisfaction_surveys_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_satisfaction_surveys")),
        sa.UniqueConstraint("case_key", name=op.f("uq_satisfaction_surveys_case_key")),
    )
    op.create_index(
        "ix_satisfaction_surveys_customer_order",
        "satisfaction_surveys",
        ["customer_id", "order_id", "asked_at"],
        unique=False,
    )
    op.create_index(
        "ix_satisfaction_surveys_rated_at", "satisfaction_surveys", ["rated_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_satisfaction_surveys_rated_at", table_name="satisfaction_surveys")
    op.drop_index("ix_satisfaction_surveys_customer_order", table_name="satisfaction_surveys")
    op.drop_table("satisfaction_surveys")
    op.drop_index("ix_orders_status_cancelled", table_name="orders")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("cancel_path")
