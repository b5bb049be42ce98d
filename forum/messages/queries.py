"""Reading conversations, always as a particular viewer (404 for anyone else)."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..errors import NotFound, check_id
from ..extensions import db
from ..models import Conversation, Message, Post, User
from ..permissions import can_read_conversation, can_see_post, is_moderator

LIST_LIMIT = 100


def get_conversation(conversation_id: int, viewer) -> Conversation:
    """The conversation with its messages, or NotFound: missing and "not yours" look alike."""
    conversation = db.session.scalar(
        select(Conversation).where(Conversation.id == check_id(conversation_id))
        .options(joinedload(Conversation.member),
                 selectinload(Conversation.messages).joinedload(Message.author)))
    if conversation is None or not can_read_conversation(viewer, conversation):
        raise NotFound()
    return conversation


def list_conversations(viewer) -> list[Conversation]:
    """A member's own conversations; for moderators, every conversation. Latest first."""
    query = (select(Conversation).options(joinedload(Conversation.member))
             .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
             .limit(LIST_LIMIT))
    if not is_moderator(viewer):
        query = query.where(Conversation.member_id == viewer.id)
    return list(db.session.scalars(query))


def get_member(raw_id: str | None) -> User:
    if not raw_id or not raw_id.isdigit() or len(raw_id) > 18:
        raise NotFound()
    member = db.session.get(User, check_id(int(raw_id)))
    if member is None:
        raise NotFound()
    return member


def get_post_about(raw_id: str | None, member: User, viewer) -> Post | None:
    """The post a new conversation is about (`?post=`), if it is that member's; a bad hint
    is ignored."""
    if not raw_id or not raw_id.isdigit() or len(raw_id) > 18:
        return None
    post = db.session.get(Post, int(raw_id))
    if post is None or post.author_id != member.id or not can_see_post(viewer, post):
        return None
    return post
