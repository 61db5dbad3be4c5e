"""vote documents: files attached to a vote, frozen at opening

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 07:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vote_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['vote_id'], ['vote.id'], name=op.f('fk_vote_document_vote_id_vote')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_document'))
    )
    with op.batch_alter_table('vote_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_document_vote_id'), ['vote_id'], unique=False)


def downgrade():
    with op.batch_alter_table('vote_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_document_vote_id'))
    op.drop_table('vote_document')
