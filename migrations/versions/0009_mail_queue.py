"""mail queue: notifications waiting to be sent

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 08:35:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('queued_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_queued_mail'))
    )
    with op.batch_alter_table('queued_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_queued_mail_sent_at'), ['sent_at'], unique=False)


def downgrade():
    with op.batch_alter_table('queued_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_queued_mail_sent_at'))
    op.drop_table('queued_mail')
