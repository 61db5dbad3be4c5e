"""governance: failed login attempts counted in the database, shared by every worker

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 18:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_throttle',
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('first_at', sa.BigInteger(), nullable=False),
        sa.Column('last_at', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle')))


def downgrade():
    op.drop_table('login_throttle')
