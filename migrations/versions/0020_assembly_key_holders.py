"""assemblies: the bureau's key holders of an assembly whose ballots are encrypted

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 14:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assembly') as batch:
        batch.add_column(sa.Column('key_holders_json', sa.Text(), nullable=True))
        batch.add_column(sa.Column('key_threshold', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('assembly') as batch:
        batch.drop_column('key_threshold')
        batch.drop_column('key_holders_json')
