"""The data model; import models from here."""
from .base import utcnow
from .board import Category, Post, PostStatus, Revision, Thread
from .user import Role, User

__all__ = ["Category", "Post", "PostStatus", "Revision", "Role", "Thread", "User", "utcnow"]
