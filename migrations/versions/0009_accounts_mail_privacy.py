"""accounts and privacy: the mail outbox, verified addresses, two-factor, consent, profiles,
members-only categories, erasure

- outbox_messages: every e-mail, queued in the transaction that caused it.
- users: email_verified_at (existing members count as verified: they registered before
  verification existed and may keep posting), bio/bio_html, hide_activity, the TOTP
  secret and its last step, the privacy-policy version consented to (NULL for existing
  members: they are asked at their next login), erased_at.
- consents, recovery_codes.
- categories.members_only (Family & friends becomes members-only, as the seed now makes it).
- posts.text_removed_at (removed at the author's request).
- a new moderation action: erase_account.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_ACTIONS_8 = ["approve", "reject", "hide", "restore", "dismiss_flags", "edit_post", "silence",
              "suspend", "lift", "lock", "unlock", "pin", "unpin", "move", "rename",
              "change_role", "add_resource", "edit_resource", "reorder_resource",
              "pin_resource", "unpin_resource", "remove_resource", "apply_verification",
              "verify", "decline_verification", "revoke_verification", "approve_edit",
              "reject_edit", "close_flags"]
_ACTIONS_9 = _ACTIONS_8 + ["erase_account"]
ACTIONS_KNOWN_8 = "action IN (%s)" % ", ".join(f"'{a}'" for a in _ACTIONS_8)
ACTIONS_KNOWN_9 = "action IN (%s)" % ", ".join(f"'{a}'" for a in _ACTIONS_9)


def upgrade():
    op.create_table(
        'outbox_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('html', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_outbox_messages_user_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_due', ['sent_at', 'next_attempt_at', 'id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_user_id'), ['user_id'], unique=False)

    op.create_table(
        'consents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('policy_version', sa.String(length=40), nullable=False),
        sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('health_data', 'guidelines')",
                           name=op.f('ck_consents_kind_known')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_consents_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consents')),
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_user_id'), ['user_id'], unique=False)

    op.create_table(
        'recovery_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('members_only', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_removed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('bio', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('bio_html', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('hide_activity', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('health_consent_version', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_moderation_actions_action_known'), type_='check')
        batch_op.create_check_constraint('action_known', ACTIONS_KNOWN_9)

    # Data: members who registered before verification existed keep posting.
    op.execute("UPDATE users SET email_verified_at = created_at WHERE email_verified_at IS NULL")
    op.execute("UPDATE categories SET members_only = true WHERE slug = 'family-friends'")


def downgrade():
    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_moderation_actions_action_known'), type_='check')
        batch_op.create_check_constraint('action_known', ACTIONS_KNOWN_8)
    with op.batch_alter_table('users', schema=None) as batch_op:
        for column in ('erased_at', 'health_consent_version', 'totp_last_step',
                       'totp_enabled_at', 'totp_secret', 'hide_activity', 'bio_html', 'bio',
                       'email_verified_at'):
            batch_op.drop_column(column)
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('text_removed_at')
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_column('members_only')
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))
    op.drop_table('recovery_codes')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consents_user_id'))
    op.drop_table('consents')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_user_id'))
        batch_op.drop_index('ix_outbox_messages_due')
    op.drop_table('outbox_messages')
