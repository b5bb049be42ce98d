"""data: mark existing posts that mention a dose

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22

"""
import re

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# A frozen copy of forum.safety.DOSE as it was when this ran: migrations never import
# the application, whose code moves on.
DOSE = re.compile(
    r"\b\d[\d,.]*\s*(?:mg|milligrams?)\b|\btitrat\w*|\btaper\w*"
    r"|\bswitch(?:ed|ing)?\s+(?:\w+\s+){0,2}?doses?\b", re.IGNORECASE)


def upgrade():
    connection = op.get_bind()
    posts = sa.table("posts", sa.column("id", sa.Integer), sa.column("body", sa.Text),
                     sa.column("mentions_dose", sa.Boolean))
    marked = [row.id for row in connection.execute(sa.select(posts.c.id, posts.c.body))
              if DOSE.search(row.body)]
    for start in range(0, len(marked), 500):
        connection.execute(posts.update().where(posts.c.id.in_(marked[start:start + 500]))
                           .values(mentions_dose=True))


def downgrade():
    pass  # the column itself goes away with 0004's downgrade
