"""votes: an encrypted ballot's ciphertexts in bytes; an encrypted vote's tally, kept from its close until the bureau opens it, and each key holder's partial decryptions

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 12:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ciphertexts', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tally_json', sa.Text(), nullable=True))
    with op.batch_alter_table('key_holder', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decryption_json', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('key_holder', schema=None) as batch_op:
        batch_op.drop_column('decryption_json')
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_column('tally_json')
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.drop_column('ciphertexts')
