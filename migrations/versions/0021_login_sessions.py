"""governance: login sessions kept on the server, so that logout ends every copy of a session

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 17:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE',
                                name=op.f('fk_login_session_person_id_person')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_login_session_token_hash')))
    with op.batch_alter_table('login_session') as batch:
        batch.create_index(batch.f('ix_login_session_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('login_session') as batch:
        batch.drop_index(batch.f('ix_login_session_person_id'))
    op.drop_table('login_session')
