"""governance: the clock's runs, one row per task and period, so that several instances run
each scheduled task once; a queued mail's claim by its sender, which a dead sender loses, and
the cooperative it is sent for

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 01:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scheduled_run',
        sa.Column('task', sa.String(length=40), nullable=False),
        sa.Column('slot', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('outcome', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('task', 'slot', name=op.f('pk_scheduled_run')),
    )
    with op.batch_alter_table('queued_mail') as batch:
        batch.add_column(sa.Column('claimed_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('cooperative_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_queued_mail_cooperative_id'), ['cooperative_id'])
        batch.create_foreign_key(batch.f('fk_queued_mail_cooperative_id_cooperative'),
                                 'cooperative', ['cooperative_id'], ['id'])


def downgrade():
    with op.batch_alter_table('queued_mail') as batch:
        batch.drop_constraint(batch.f('fk_queued_mail_cooperative_id_cooperative'),
                              type_='foreignkey')
        batch.drop_index(batch.f('ix_queued_mail_cooperative_id'))
        batch.drop_column('cooperative_id')
        batch.drop_column('claimed_at')
    op.drop_table('scheduled_run')
