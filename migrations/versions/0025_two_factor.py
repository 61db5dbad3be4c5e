"""governance: a second factor at login (authenticator app, recovery codes); assemblies that
ask for it to vote

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 21:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person') as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_since', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('login_session') as batch_op:
        batch_op.add_column(sa.Column('second_factor', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('assembly') as batch_op:
        batch_op.add_column(sa.Column('second_factor', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.create_table(
        'recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'],
                                name=op.f('fk_recovery_code_person_id_person'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')))
    with op.batch_alter_table('recovery_code') as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_person_id'), ['person_id'])


def downgrade():
    op.drop_table('recovery_code')
    with op.batch_alter_table('assembly') as batch_op:
        batch_op.drop_column('second_factor')
    with op.batch_alter_table('login_session') as batch_op:
        batch_op.drop_column('second_factor')
    with op.batch_alter_table('person') as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_since')
        batch_op.drop_column('totp_secret')
