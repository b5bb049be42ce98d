"""data: members who already posted before reviews existed are not held for review

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # Posts published before moderation existed count as approved: otherwise every
    # existing member would suddenly have their next post held.
    op.execute("""
        UPDATE users SET approved_post_count = (
            SELECT count(*) FROM posts
            WHERE posts.author_id = users.id AND posts.status = 'published')
    """)


def downgrade():
    pass  # the column itself goes away with 0002's downgrade
