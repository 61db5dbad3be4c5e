"""votes: an encrypted vote's running sums, per college, weight and slot, added to at each cast

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 13:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tally_part',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('college', sa.String(length=32), nullable=True),
    sa.Column('weight', sa.String(length=32), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('ballots', sa.Integer(), nullable=False),
    sa.Column('sums', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['vote_id'], ['vote.id'], name=op.f('fk_tally_part_vote_id_vote')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tally_part')),
    sa.UniqueConstraint('vote_id', 'college', 'weight', 'slot', name=op.f('uq_tally_part_vote_id_college_weight_slot'))
    )


def downgrade():
    op.drop_table('tally_part')
