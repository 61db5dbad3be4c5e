"""governance: each audit entry authenticated by a key kept outside the database

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 18:20:00

Entries written before have no mac: `flask audit sign-unsigned` signs them once.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entry') as batch:
        batch.add_column(sa.Column('mac', sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table('audit_entry') as batch:
        batch.drop_column('mac')
