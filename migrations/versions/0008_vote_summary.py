"""vote summary: the result and the ballots summed per college and choice, kept at close

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 08:40:00

"""
import json
from fractions import Fraction

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _summary(box: dict) -> dict:
    summed = {}
    for b in box["ballots"]:
        key = (b["college"], json.dumps(b["choice"], ensure_ascii=False))
        summed[key] = summed.get(key, Fraction(0)) + Fraction(b["weight"])
    return {"result": box["result"], "colleges": box["colleges"], "batches": box["batches"],
            "ballots": [{"college": c, "choice": json.loads(ch), "weight": str(w)}
                        for (c, ch), w in summed.items()]}


def upgrade():
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary_json', sa.Text(), nullable=True))
    conn = op.get_bind()
    vote = sa.table('vote', sa.column('id', sa.Integer), sa.column('box_json', sa.Text),
                    sa.column('summary_json', sa.Text))
    for vote_id, box_json in conn.execute(sa.select(vote.c.id, vote.c.box_json)
                                          .where(vote.c.box_json.is_not(None))).all():
        summary = json.dumps(_summary(json.loads(box_json)), ensure_ascii=False)
        conn.execute(vote.update().where(vote.c.id == vote_id).values(summary_json=summary))


def downgrade():
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_column('summary_json')
