"""board: mandates, meetings, attendance and minutes

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 10:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('board_mandate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('president', 'managing_director', 'director', 'permanent_representative', name='mandaterole', native_enum=False, length=32), nullable=False),
    sa.Column('represents_person_id', sa.Integer(), nullable=True),
    sa.Column('college_code', sa.String(length=32), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_board_mandate_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_board_mandate_created_by_id_person')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_board_mandate_person_id_person')),
    sa.ForeignKeyConstraint(['represents_person_id'], ['person.id'], name=op.f('fk_board_mandate_represents_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_mandate'))
    )
    with op.batch_alter_table('board_mandate', schema=None) as batch_op:
        batch_op.create_index('ix_board_mandate_coop_person', ['cooperative_id', 'person_id'], unique=False)

    op.create_table('board_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('held_at', sa.DateTime(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('minutes_state', sa.Enum('none', 'draft', 'approved', 'published', name='minutesstate', native_enum=False, length=32), nullable=False),
    sa.Column('drafted_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at_meeting_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['approved_at_meeting_id'], ['board_meeting.id'], name=op.f('fk_board_meeting_approved_at_meeting_id_board_meeting')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_board_meeting_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_board_meeting_created_by_id_person')),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['person.id'], name=op.f('fk_board_meeting_drafted_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_meeting'))
    )
    with op.batch_alter_table('board_meeting', schema=None) as batch_op:
        batch_op.create_index('ix_board_meeting_coop_held', ['cooperative_id', 'held_at'], unique=False)

    op.create_table('board_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('present', 'represented', 'excused', 'absent', name='attendancestatus', native_enum=False, length=32), nullable=False),
    sa.Column('represented_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['board_meeting.id'], name=op.f('fk_board_attendance_meeting_id_board_meeting')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_board_attendance_person_id_person')),
    sa.ForeignKeyConstraint(['represented_by_id'], ['person.id'], name=op.f('fk_board_attendance_represented_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_attendance')),
    sa.UniqueConstraint('meeting_id', 'person_id', name=op.f('uq_board_attendance_meeting_id_person_id'))
    )


def downgrade():
    op.drop_table('board_attendance')
    with op.batch_alter_table('board_meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_board_meeting_coop_held')

    op.drop_table('board_meeting')
    with op.batch_alter_table('board_mandate', schema=None) as batch_op:
        batch_op.drop_index('ix_board_mandate_coop_person')

    op.drop_table('board_mandate')
