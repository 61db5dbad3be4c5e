"""share ledger: movements and reimbursement queue

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

KIND = sa.Enum('subscription', 'release', 'transfer', 'reimbursement', 'correction',
               name='movementkind', native_enum=False, length=32)
STATUS = sa.Enum('queued', 'paid', 'cancelled', name='requeststatus', native_enum=False,
                 length=32)


def upgrade():
    with op.batch_alter_table('cooperative', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partial_payment', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    op.create_table('share_movement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', KIND, nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('from_membership_id', sa.Integer(), nullable=True),
    sa.Column('to_membership_id', sa.Integer(), nullable=True),
    sa.Column('shares', sa.Integer(), nullable=False),
    sa.Column('amount_subscribed', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('amount_paid', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('shares >= 0 AND amount_subscribed >= 0 AND amount_paid >= 0',
                       name=op.f('ck_share_movement_non_negative')),
    sa.CheckConstraint('from_membership_id IS NOT NULL OR to_membership_id IS NOT NULL',
                       name=op.f('ck_share_movement_one_side')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_share_movement_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['corrects_id'], ['share_movement.id'], name=op.f('fk_share_movement_corrects_id_share_movement')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_share_movement_created_by_id_person')),
    sa.ForeignKeyConstraint(['from_membership_id'], ['membership.id'], name=op.f('fk_share_movement_from_membership_id_membership')),
    sa.ForeignKeyConstraint(['to_membership_id'], ['membership.id'], name=op.f('fk_share_movement_to_membership_id_membership')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_movement')),
    sa.UniqueConstraint('cooperative_id', 'number', name=op.f('uq_share_movement_cooperative_id_number')),
    sa.UniqueConstraint('corrects_id', name=op.f('uq_share_movement_corrects_id'))
    )
    with op.batch_alter_table('share_movement', schema=None) as batch_op:
        batch_op.create_index('ix_share_movement_coop_on', ['cooperative_id', 'on'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_movement_from_membership_id'), ['from_membership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_movement_to_membership_id'), ['to_membership_id'], unique=False)

    op.create_table('reimbursement_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('shares', sa.Integer(), nullable=False),
    sa.Column('amount_subscribed', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('amount_paid', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('status', STATUS, nullable=False),
    sa.Column('paid_movement_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_reimbursement_request_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_reimbursement_request_created_by_id_person')),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_reimbursement_request_membership_id_membership')),
    sa.ForeignKeyConstraint(['paid_movement_id'], ['share_movement.id'], name=op.f('fk_reimbursement_request_paid_movement_id_share_movement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reimbursement_request')),
    sa.UniqueConstraint('cooperative_id', 'position', name=op.f('uq_reimbursement_request_cooperative_id_position')),
    sa.UniqueConstraint('paid_movement_id', name=op.f('uq_reimbursement_request_paid_movement_id'))
    )
    with op.batch_alter_table('reimbursement_request', schema=None) as batch_op:
        batch_op.create_index('ix_reimbursement_request_coop_status', ['cooperative_id', 'status', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_reimbursement_request_membership_id'), ['membership_id'], unique=False)


def downgrade():
    with op.batch_alter_table('reimbursement_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reimbursement_request_membership_id'))
        batch_op.drop_index('ix_reimbursement_request_coop_status')

    op.drop_table('reimbursement_request')
    with op.batch_alter_table('share_movement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_movement_to_membership_id'))
        batch_op.drop_index(batch_op.f('ix_share_movement_from_membership_id'))
        batch_op.drop_index('ix_share_movement_coop_on')

    op.drop_table('share_movement')
    with op.batch_alter_table('cooperative', schema=None) as batch_op:
        batch_op.drop_column('partial_payment')
