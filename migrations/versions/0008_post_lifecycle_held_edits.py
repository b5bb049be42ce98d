"""post lifecycle: edits that wait for review, and what a moderator's change holds

- `proposed_edits`: an edit of a published post that waits for a moderator (readers keep
  the earlier text meanwhile); kept when approved, rejected or withdrawn.
- `posts.edit_pending`: such an edit is waiting (the queue and the thread page need no
  extra query to know).
- `posts.edit_needs_review`, `threads.title_needs_review`: a moderator edited the post or
  renamed the thread, so the author's next change of it waits for review.
- Three new moderation actions: approve_edit, reject_edit, close_flags (the system closes
  a post's open flags when its author deletes it).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_ACTIONS_7 = ["approve", "reject", "hide", "restore", "dismiss_flags", "edit_post", "silence",
              "suspend", "lift", "lock", "unlock", "pin", "unpin", "move", "rename",
              "change_role", "add_resource", "edit_resource", "reorder_resource",
              "pin_resource", "unpin_resource", "remove_resource", "apply_verification",
              "verify", "decline_verification", "revoke_verification"]
_ACTIONS_8 = _ACTIONS_7 + ["approve_edit", "reject_edit", "close_flags"]
ACTIONS_KNOWN_7 = "action IN (%s)" % ", ".join(f"'{a}'" for a in _ACTIONS_7)
ACTIONS_KNOWN_8 = "action IN (%s)" % ", ".join(f"'{a}'" for a in _ACTIONS_8)


def upgrade():
    op.create_table(
        'proposed_edits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('editor_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('title', sa.String(length=150), nullable=True),
        sa.Column('mentions_dose', sa.Boolean(), nullable=False),
        sa.Column('hold_reason', sa.String(length=30), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected', 'withdrawn')",
                           name=op.f('ck_proposed_edits_status_known')),
        sa.ForeignKeyConstraint(['editor_id'], ['users.id'],
                                name=op.f('fk_proposed_edits_editor_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['post_id'], ['posts.id'],
                                name=op.f('fk_proposed_edits_post_id_posts')),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'],
                                name=op.f('fk_proposed_edits_reviewed_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proposed_edits')),
    )
    with op.batch_alter_table('proposed_edits', schema=None) as batch_op:
        batch_op.create_index('ix_proposed_edits_post_status', ['post_id', 'status'], unique=False)
        batch_op.create_index('ix_proposed_edits_status_created', ['status', 'created_at'],
                              unique=False)

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edit_needs_review', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('edit_pending', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_needs_review', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        # Autogenerate does not see CHECK changes: three new actions.
        batch_op.drop_constraint(batch_op.f('ck_moderation_actions_action_known'), type_='check')
        batch_op.create_check_constraint('action_known', ACTIONS_KNOWN_8)


def downgrade():
    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_moderation_actions_action_known'), type_='check')
        batch_op.create_check_constraint('action_known', ACTIONS_KNOWN_7)

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_column('title_needs_review')

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('edit_pending')
        batch_op.drop_column('edit_needs_review')

    with op.batch_alter_table('proposed_edits', schema=None) as batch_op:
        batch_op.drop_index('ix_proposed_edits_status_created')
        batch_op.drop_index('ix_proposed_edits_post_status')
    op.drop_table('proposed_edits')
