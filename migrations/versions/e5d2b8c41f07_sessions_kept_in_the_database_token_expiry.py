"""Sessions kept in the database, an API token's expiry, and demo and test mode's secret key

Revision ID: e5d2b8c41f07
Revises: c3f1a9d27e54
Create Date: 2026-12-05 21:30:00

"""

import sqlalchemy as sa
from alembic import op

import service.db

# revision identifiers, used by Alembic.
revision = "e5d2b8c41f07"
down_revision = "c3f1a9d27e54"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", service.db.UTCDateTime(), nullable=False),
        sa.Column("ended_at", service.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "app_secret",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secret_key", sa.String(length=128), nullable=False),
        sa.Column("created_at", service.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_secret")),
    )
    with op.batch_alter_table("api_clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", service.db.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("api_clients", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
    op.drop_table("app_secret")
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))
    op.drop_table("user_sessions")
