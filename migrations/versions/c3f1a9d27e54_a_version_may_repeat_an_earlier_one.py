"""A version may repeat an earlier one's content: rolling back deploys it again

Revision ID: c3f1a9d27e54
Revises: 6b7a3f8017be
Create Date: 2026-11-27 15:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c3f1a9d27e54"
down_revision = "6b7a3f8017be"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("process_versions", schema=None) as batch_op:
        batch_op.drop_constraint("uq_process_versions_file_name_content_hash", type_="unique")
        batch_op.create_index("ix_process_versions_file_name_content_hash", ["file_name", "content_hash"])


def downgrade():
    with op.batch_alter_table("process_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_process_versions_file_name_content_hash")
        batch_op.create_unique_constraint("uq_process_versions_file_name_content_hash", ["file_name", "content_hash"])
