"""votes: a sealed box is stored without compression on PostgreSQL (large boxes: compressing hundreds of megabytes at the close costs seconds)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 13:50:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE vote ALTER COLUMN box_json SET STORAGE EXTERNAL")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE vote ALTER COLUMN box_json SET STORAGE EXTENDED")
