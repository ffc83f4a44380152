"""Cover while an IRO is away

Revision ID: fdf520b6a928
Revises: 31560d216660
Create Date: 2026-12-06 04:05:58.631148

"""

import sqlalchemy as sa
from alembic import op

import service.db

# revision identifiers, used by Alembic.
revision = "fdf520b6a928"
down_revision = "31560d216660"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "iro_cover",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("away_user_id", sa.Integer(), nullable=False),
        sa.Column("covering_user_id", sa.Integer(), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("to_date", sa.Date(), nullable=False),
        sa.Column("set_by", sa.String(length=100), nullable=False),
        sa.Column("set_at", service.db.UTCDateTime(), nullable=False),
        sa.Column("ended_at", service.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["away_user_id"], ["users.id"], name=op.f("fk_iro_cover_away_user_id_users")),
        sa.ForeignKeyConstraint(["covering_user_id"], ["users.id"], name=op.f("fk_iro_cover_covering_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_iro_cover")),
    )
    with op.batch_alter_table("iro_cover", schema=None) as batch_op:
        batch_op.create_index("ix_iro_cover_away_user_id_to_date", ["away_user_id", "to_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_iro_cover_covering_user_id"), ["covering_user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("iro_cover", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_iro_cover_covering_user_id"))
        batch_op.drop_index("ix_iro_cover_away_user_id_to_date")

    op.drop_table("iro_cover")
