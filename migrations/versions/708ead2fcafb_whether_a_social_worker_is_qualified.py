"""Whether a social worker is qualified (unknown until the CLI, a manager or a RAG notification says)

Revision ID: 708ead2fcafb
Revises: 7286a1db6436
Create Date: 2026-12-06 03:30:17.591831

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "708ead2fcafb"
down_revision = "7286a1db6436"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("qualified_social_worker", sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("qualified_social_worker")
