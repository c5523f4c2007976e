"""conversations with staff: cases, their messages and links, saved replies, and outbox
rows sent in order within a chain

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("chain", sa.String(length=64), nullable=True))
    op.create_index("ix_outbox_chain_id", "outbox", ["chain", "id"], unique=False)

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("open_key", sa.String(length=40), nullable=True),
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("staff_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("header_message_id", sa.BigInteger(), nullable=True),
        sa.Column("awaiting_first", sa.Boolean(), nullable=False),
        sa.Column("quiet_told_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_cases_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_cases_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("open_key", name=op.f("uq_cases_open_key")),
        sa.UniqueConstraint("staff_chat_id", "thread_id", name="uq_cases_staff_chat_thread"),
    )
    op.create_index("ix_cases_customer_order", "cases", ["customer_id", "order_id"])

    op.create_table(
        "case_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=4), nullable=False),
        sa.Column("author", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("file_id", sa.String(length=200), nullable=True),
        sa.Column("caption", sa.String(length=1100), nullable=True),
        sa.Column("text", sa.String(length=4100), nullable=True),
        sa.Column("media_group_id", sa.String(length=40), nullable=True),
        sa.Column("sent_with", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_messages_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_messages")),
        sa.UniqueConstraint("chat_id", "message_id", name="uq_case_messages_source"),
    )
    op.create_index(op.f("ix_case_messages_case_id"), "case_messages", ["case_id"])
    op.create_index("ix_case_messages_album", "case_messages", ["case_id", "media_group_id"])

    op.create_table(
        "case_links",
        sa.Column("place", sa.String(length=32), nullable=False),
        sa.Column("message_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_links_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("place", "message_id", name=op.f("pk_case_links")),
    )
    op.create_index(op.f("ix_case_links_case_id"), "case_links", ["case_id"])

    op.create_table(
        "saved_replies",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(length=3000), nullable=False),
        sa.Column("updated_by", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_saved_replies")),
    )


def downgrade() -> None:
    op.drop_table("saved_replies")
    op.drop_index(op.f("ix_case_links_case_id"), table_name="case_links")
    op.drop_table("case_links")
    op.drop_index("ix_case_messages_album", table_name="case_messages")
    op.drop_index(op.f("ix_case_messages_case_id"), table_name="case_messages")
    op.drop_table("case_messages")
    op.drop_index("ix_cases_customer_order", table_name="cases")
    op.drop_table("cases")
    op.drop_index("ix_outbox_chain_id", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("chain")
