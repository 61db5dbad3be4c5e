"""votes: the header, rule, colleges and fingerprint frozen at opening; the second-call quorum of an
assembly's vote kept with its rule

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 06:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quorum_second', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('call', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('opening_json', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('fingerprint', sa.String(length=64), nullable=True))
    _backfill()


def _backfill():
    """An assembly's votes get the second-call quorum of their resolution's kind. (Votes open
    before this version are fingerprinted at their close, with their colleges as they are.)"""
    conn = op.get_bind()
    for vote_id, kind, ordinary, extraordinary in conn.execute(sa.text(
            "SELECT v.id, r.kind, c.ordinary_quorum_second, c.extraordinary_quorum_second "
            "FROM vote v JOIN resolution_vote rv ON rv.vote_id = v.id "
            "JOIN resolution r ON r.id = rv.resolution_id "
            "JOIN cooperative c ON c.id = v.cooperative_id")).all():
        quorum = extraordinary if kind == "extraordinary" else ordinary
        conn.execute(sa.text("UPDATE vote SET quorum_second = :q WHERE id = :id"),
                     {"q": quorum, "id": vote_id})


def downgrade():
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_column('fingerprint')
        batch_op.drop_column('opening_json')
        batch_op.drop_column('call')
        batch_op.drop_column('quorum_second')
