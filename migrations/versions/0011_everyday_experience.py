"""the everyday experience: resubmitting, reasons on posts, crisis follow-through,
conversations between the moderators and a member, helplines by country

- posts: hold_reason (why it waits, explained on the post), status_reason (the
  moderator's reason for a rejection or hiding, shown to its author), resubmitted_at,
  at_risk (crisis language: its author sees the helplines every time).
- threads: lock_reason (shown to readers), has_at_risk_post.
- resources: country (helplines grouped by country on /help).
- conversations, messages: one-to-one conversations between the moderators (as a team)
  and one member.
- three new, private moderation actions: reached_out, handled, message_member.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_ACTIONS_9 = ["approve", "reject", "hide", "restore", "dismiss_flags", "edit_post", "silence",
              "suspend", "lift", "lock", "unlock", "pin", "unpin", "move", "rename",
              "change_role", "add_resource", "edit_resource", "reorder_resource",
              "pin_resource", "unpin_resource", "remove_resource", "apply_verification",
              "verify", "decline_verification", "revoke_verification", "approve_edit",
              "reject_edit", "close_flags", "erase_account"]
_ACTIONS_11 = _ACTIONS_9 + ["reached_out", "handled", "message_member"]
ACTIONS_KNOWN_9 = "action IN (%s)" % ", ".join(f"'{a}'" for a in _ACTIONS_9)
ACTIONS_KNOWN_11 = "action IN (%s)" % ", ".join(f"'{a}'" for a in _ACTIONS_11)


def upgrade():
    op.create_table(
        'conversations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('started_by_id', sa.Integer(), nullable=True),
        sa.Column('subject', sa.String(length=150), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['member_id'], ['users.id'],
                                name=op.f('fk_conversations_member_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['post_id'], ['posts.id'],
                                name=op.f('fk_conversations_post_id_posts')),
        sa.ForeignKeyConstraint(['started_by_id'], ['users.id'],
                                name=op.f('fk_conversations_started_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conversations')),
    )
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.create_index('ix_conversations_member_last', ['member_id', 'last_message_at'],
                              unique=False)
    op.create_table(
        'messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_messages_author_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'],
                                name=op.f('fk_messages_conversation_id_conversations'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_conversation_id'), ['conversation_id'],
                              unique=False)

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hold_reason', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('status_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('resubmitted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('at_risk', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lock_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('has_at_risk_post', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('country', sa.String(length=60), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_moderation_actions_action_known'), type_='check')
        batch_op.create_check_constraint('action_known', ACTIONS_KNOWN_11)

    # Data: posts already flagged by the system for crisis language are at risk.
    op.execute("UPDATE posts SET at_risk = true WHERE id IN "
               "(SELECT post_id FROM flags WHERE reason = 'at_risk' AND flagger_id IS NULL)")
    op.execute("UPDATE threads SET has_at_risk_post = true WHERE id IN "
               "(SELECT thread_id FROM posts WHERE at_risk = true)")


def downgrade():
    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_moderation_actions_action_known'), type_='check')
        batch_op.create_check_constraint('action_known', ACTIONS_KNOWN_9)
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.drop_column('country')
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_column('has_at_risk_post')
        batch_op.drop_column('lock_reason')
    with op.batch_alter_table('posts', schema=None) as batch_op:
        for column in ('at_risk', 'resubmitted_at', 'status_reason', 'hold_reason'):
            batch_op.drop_column(column)
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_conversation_id'))
    op.drop_table('messages')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_index('ix_conversations_member_last')
    op.drop_table('conversations')
