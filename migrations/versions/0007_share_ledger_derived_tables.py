"""share ledger: derived balances per membership and capital per day

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 09:00:00.000000

Both tables are derived from share_movement (kept in step by the after_insert hook of
governance/capital_models.py); this migration builds them from the movements already recorded.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Build (or rebuild) the derived tables from the ledger; bench/capital_bench.py runs the same.
BACKFILL = [
    """INSERT INTO share_balance (membership_id, cooperative_id, college_id, shares, subscribed,
                                 paid)
       SELECT mid, sides.cooperative_id, membership.college_id, SUM(shares), SUM(subscribed),
              SUM(paid) FROM (
         SELECT to_membership_id AS mid, cooperative_id, shares, amount_subscribed AS subscribed,
                amount_paid AS paid
           FROM share_movement WHERE to_membership_id IS NOT NULL
         UNION ALL
         SELECT from_membership_id, cooperative_id, -shares, -amount_subscribed, -amount_paid
           FROM share_movement WHERE from_membership_id IS NOT NULL) AS sides
       JOIN membership ON membership.id = sides.mid
       GROUP BY mid, sides.cooperative_id, membership.college_id""",
    """INSERT INTO capital_day (cooperative_id, "on", delta, movements)
       SELECT cooperative_id, "on",
              SUM(CASE WHEN from_membership_id IS NULL THEN amount_subscribed
                       WHEN to_membership_id IS NULL THEN -amount_subscribed ELSE 0 END),
              COUNT(*)
         FROM share_movement AS m
        WHERE corrects_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM share_movement AS c WHERE c.corrects_id = m.id)
        GROUP BY cooperative_id, "on\"""",
]


def upgrade():
    op.create_table('share_balance',
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('college_id', sa.Integer(), nullable=True),
    sa.Column('shares', sa.Integer(), nullable=False),
    sa.Column('subscribed', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('paid', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_share_balance_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_share_balance_membership_id_membership')),
    sa.PrimaryKeyConstraint('membership_id', name=op.f('pk_share_balance'))
    )
    with op.batch_alter_table('share_balance', schema=None) as batch_op:
        batch_op.create_index('ix_share_balance_coop_college', ['cooperative_id', 'college_id'],
                              unique=False, postgresql_include=['subscribed', 'paid'])

    op.create_table('capital_day',
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('delta', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('movements', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_capital_day_cooperative_id_cooperative')),
    sa.PrimaryKeyConstraint('cooperative_id', 'on', name=op.f('pk_capital_day'))
    )
    for statement in BACKFILL:
        op.execute(statement)


def downgrade():
    op.drop_table('capital_day')
    with op.batch_alter_table('share_balance', schema=None) as batch_op:
        batch_op.drop_index('ix_share_balance_coop_college')

    op.drop_table('share_balance')
