"""finding and following conversations: search index, watching, reading state, "This helped"

- search_documents: the plain text of each visible post (and its thread's title for an
  opening post), kept by the post lifecycle's listeners (forum/search/index.py); on SQLite
  an external-content FTS5 table `search_fts` over it, kept in step by triggers; on
  PostgreSQL a generated, weighted tsvector column with a GIN index. The DDL is written out
  here (a migration is a snapshot) and matches forum/models/following.py.
  After upgrading, run `flask --app forum search reindex`: turning stored HTML into plain
  text happens in Python.
- thread_states (read position and watch/mute per member and thread), category_follows,
  notification_settings (e-mail choices per kind), helped_marks.
- notifications.actor_id: who caused a notification (for grouping).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

SQLITE_SEARCH_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body, "
    "content='search_documents', content_rowid='post_id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "INSERT INTO search_fts(search_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)')",
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.post_id, new.title, new.body); END",
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.post_id, old.title, old.body); END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.post_id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.post_id, new.title, new.body); END",
)
POSTGRES_SEARCH_DDL = (
    "ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('english', title), 'A') || "
    "setweight(to_tsvector('english', body), 'B')) STORED",
    "CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)",
)
_EMAIL_CHOICE = "{0} IN ('off', 'instant', 'daily')"
_EMAIL_COLUMNS = ('email_replies', 'email_mentions', 'email_quotes', 'email_helped',
                  'email_moderation')


def upgrade():
    op.create_table(
        'search_documents',
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['posts.id'],
                                name=op.f('fk_search_documents_post_id_posts'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('post_id', name=op.f('pk_search_documents')),
    )
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_SEARCH_DDL,
                      "postgresql": POSTGRES_SEARCH_DDL}.get(dialect, ()):
        op.execute(statement)

    op.create_table(
        'thread_states',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=False),
        sa.Column('last_read_position', sa.Integer(), nullable=False),
        sa.Column('watch', sa.String(length=10), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("watch IS NULL OR watch IN ('watching', 'muted')",
                           name=op.f('ck_thread_states_watch_known')),
        sa.ForeignKeyConstraint(['thread_id'], ['threads.id'],
                                name=op.f('fk_thread_states_thread_id_threads'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_thread_states_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'thread_id', name=op.f('pk_thread_states')),
    )
    with op.batch_alter_table('thread_states', schema=None) as batch_op:
        batch_op.create_index('ix_thread_states_thread_watch', ['thread_id', 'watch'], unique=False)

    op.create_table(
        'category_follows',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['category_id'], ['categories.id'],
                                name=op.f('fk_category_follows_category_id_categories'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_category_follows_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'category_id', name=op.f('pk_category_follows')),
    )
    with op.batch_alter_table('category_follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_follows_category_id'), ['category_id'],
                              unique=False)

    op.create_table(
        'notification_settings',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('watch_on_post', sa.Boolean(), nullable=False),
        *[sa.Column(column, sa.String(length=10), nullable=False) for column in _EMAIL_COLUMNS],
        sa.Column('digest_sent_at', sa.DateTime(timezone=True), nullable=True),
        *[sa.CheckConstraint(_EMAIL_CHOICE.format(column),
                             name=op.f(f'ck_notification_settings_{column}_known'))
          for column in _EMAIL_COLUMNS],
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_notification_settings_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_settings')),
    )

    op.create_table(
        'helped_marks',
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['posts.id'],
                                name=op.f('fk_helped_marks_post_id_posts'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_helped_marks_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('post_id', 'user_id', name=op.f('pk_helped_marks')),
    )
    with op.batch_alter_table('helped_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_helped_marks_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notifications_actor_id_users'), 'users',
                                    ['actor_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_actor_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('actor_id')
    with op.batch_alter_table('helped_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_helped_marks_user_id'))
    op.drop_table('helped_marks')
    op.drop_table('notification_settings')
    with op.batch_alter_table('category_follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_follows_category_id'))
    op.drop_table('category_follows')
    with op.batch_alter_table('thread_states', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_states_thread_watch')
    op.drop_table('thread_states')
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")  # its triggers go with search_documents
    op.drop_table('search_documents')
