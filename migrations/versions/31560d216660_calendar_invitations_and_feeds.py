"""Calendar invitations (the date and SEQUENCE last sent per review and conference) and personal feeds

Revision ID: 31560d216660
Revises: 708ead2fcafb
Create Date: 2026-12-06 04:06:06.557122

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "31560d216660"
down_revision = "708ead2fcafb"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cp_conferences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("calendar_sequence", sa.Integer(), server_default="0", nullable=False))

    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("calendar_sequence", sa.Integer(), server_default="0", nullable=False))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_feed_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_users_calendar_feed_hash"), ["calendar_feed_hash"])


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_users_calendar_feed_hash"), type_="unique")
        batch_op.drop_column("calendar_feed_hash")

    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_column("calendar_sequence")
        batch_op.drop_column("calendar_date")

    with op.batch_alter_table("cp_conferences", schema=None) as batch_op:
        batch_op.drop_column("calendar_sequence")
        batch_op.drop_column("calendar_date")
