"""listing indexes end with id, the tie-breaker of their ORDER BY

The category page orders by (pinned, last_post_at, id) and the home page's latest
threads by (last_post_at, id). Without id in the index, PostgreSQL reads and joins
groups of rows (92 for a page of 30, 176 for the 10 latest) and sorts them; with it, it
reads exactly the page, in order. SQLite already had the order (the rowid ends every
index). README.md, "Performance".

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22

"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _recreate(columns_listing, columns_latest):
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index('ix_threads_listing')
        batch_op.drop_index('ix_threads_latest')
        batch_op.create_index('ix_threads_listing', columns_listing, unique=False)
        batch_op.create_index('ix_threads_latest', columns_latest, unique=False)


def upgrade():
    _recreate(['category_id', 'status', 'pinned', 'last_post_at', 'id'],
              ['status', 'last_post_at', 'id'])


def downgrade():
    _recreate(['category_id', 'status', 'pinned', 'last_post_at'], ['status', 'last_post_at'])
