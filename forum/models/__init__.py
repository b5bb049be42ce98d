"""The data model; import models from here."""
from .base import utcnow
from .account import Consent, ConsentKind, RecoveryCode
from .mail import OutboxMessage
from .board import Category, EditStatus, Post, PostStatus, ProposedEdit, Revision, Thread
from .following import (CategoryFollow, EmailChoice, HelpedMark, NotificationSettings,
                        SearchDocument, ThreadState, Watch)
from .moderation import (ACTION_LABELS, FLAG_REASON_LABELS, PUBLIC_ACTIONS, Action, Flag,
                         FlagReason, ModerationAction, Notification, NotificationKind)
from .messaging import Conversation, Message
from .resource import (EVIDENCE_LABELS, SECTION_LABELS, Evidence, ProfessionalApplication, Resource, SafetyPhrase, Section)
from .user import INDEFINITE, PROFESSION_LABELS, Profession, Role, User, is_indefinite

__all__ = ["CategoryFollow", "EmailChoice", "HelpedMark", "NotificationSettings",
           "SearchDocument", "ThreadState", "Watch", "Conversation", "Message", "INDEFINITE", "EVIDENCE_LABELS", "PROFESSION_LABELS", "SECTION_LABELS", "Evidence", "Profession",
           "ProfessionalApplication", "Resource", "SafetyPhrase", "Section", "ACTION_LABELS", "Action", "FLAG_REASON_LABELS", "Flag", "FlagReason",
           "ModerationAction", "Notification", "OutboxMessage", "Consent", "ConsentKind", "RecoveryCode", "NotificationKind", "PUBLIC_ACTIONS", "Category", "EditStatus", "Post", "PostStatus", "ProposedEdit", "Revision", "is_indefinite", "Role", "Thread", "User", "utcnow"]
