"""capital campaigns with a matching rule

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('capital_campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('partner_membership_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('match_ratio', sa.String(length=16), server_default='1', nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_capital_campaign_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_capital_campaign_created_by_id_person')),
    sa.ForeignKeyConstraint(['partner_membership_id'], ['membership.id'], name=op.f('fk_capital_campaign_partner_membership_id_membership')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_capital_campaign'))
    )
    with op.batch_alter_table('capital_campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capital_campaign_cooperative_id'), ['cooperative_id'], unique=False)


def downgrade():
    with op.batch_alter_table('capital_campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_capital_campaign_cooperative_id'))

    op.drop_table('capital_campaign')
