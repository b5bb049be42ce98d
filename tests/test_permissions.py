"""Every rule in forum/permissions.py as a persona x state table, without HTTP.

One table per predicate: each row is a state and names the personas it allows; every
other persona in that row is refused, and both answers are asserted. Someone else's post
or thread is Bob's. A new can_* function fails test_every_predicate_has_a_table until it
gets a table here.
"""
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import current_app
from flask_login import AnonymousUserMixin

from forum import permissions
from forum.extensions import db
from forum.models import Post, PostStatus, Role, utcnow

from .factories import make_category, make_thread, make_user

PENDING, PUBLISHED, REJECTED, HIDDEN, DELETED = (
    PostStatus.PENDING, PostStatus.PUBLISHED, PostStatus.REJECTED, PostStatus.HIDDEN,
    PostStatus.DELETED)

# Who asks. tess is a verified therapist: her badge must change no answer, so her column
# always matches alice's. mod_suspended has the moderator role but is suspended.
PERSONAS = ("anonymous", "alice", "tess", "newbie", "silenced", "fred", "mia", "ada",
            "mod_suspended")

EVERYONE = frozenset(PERSONAS)
# Flask-Login's is_authenticated is is_active, which a suspension turns off: to the
# predicates, fred and mod_suspended are as anonymous as anonymous.
SIGNED_IN = EVERYONE - {"anonymous", "fred", "mod_suspended"}
WRITERS = SIGNED_IN - {"silenced"}                    # can_post
MODERATORS = frozenset({"mia", "ada"})
ADMINS = frozenset({"ada"})
NOT_MODERATORS = EVERYONE - {"anonymous"} - MODERATORS
NOBODY = frozenset()


@dataclass(frozen=True)
class State:
    """What the persona asks about. `own`: the persona wrote the post and the thread
    (else Bob did). The defaults are the ordinary case: Bob's published reply in an open,
    published thread of a category that holds nothing for review."""
    own: bool = False
    post: str = PUBLISHED
    thread: str = PUBLISHED
    locked: bool = False
    approval: bool = False          # the category holds every post for review
    link: bool = False              # must_be_reviewed: the new post has a link
    threshold: int | None = None    # must_be_reviewed: None is the app's APPROVAL_THRESHOLD
    target: str = "bob"             # can_sanction, can_change_role: whom (Scene.targets)
    role: str | None = None         # can_change_role: the role to give
    move: str | None = None         # can_move_post: approve, reject, hide, restore
    other_thread: bool = False      # can_quote: asked in a reply to another thread
    author_gone: bool = False       # the post's author deleted their account
    members_only: bool = False      # the category is for logged-in members only


@dataclass(frozen=True)
class Row:
    label: str
    allowed: frozenset
    state: State

    def personas(self, table) -> tuple:
        # Anonymous owns nothing and is nobody's "themself".
        personal = self.state.own or self.state.target == "themself"
        return tuple(p for p in table.personas if not (personal and p == "anonymous"))


def row(label: str, allowed, **state) -> Row:
    return Row(label, frozenset(allowed), State(**state))


@dataclass
class Table:
    ask: Callable                    # (user, scene, state) -> bool
    rows: list
    personas: tuple = field(default=PERSONAS)


TABLES = {
    # --- who someone is ------------------------------------------------------------
    "is_moderator": Table(lambda user, scene, s: permissions.is_moderator(user), [
        row("at all", MODERATORS),
    ]),
    "is_author": Table(lambda user, scene, s: permissions.is_author(user, scene.post), [
        row("own post", SIGNED_IN, own=True),
        row("bob's post", NOBODY),
    ]),
    "can_post": Table(lambda user, scene, s: permissions.can_post(user), [
        row("at all", WRITERS),
    ]),
    "can_moderate": Table(lambda user, scene, s: permissions.can_moderate(user), [
        row("at all", MODERATORS),
    ]),
    "can_change_roles": Table(lambda user, scene, s: permissions.can_change_roles(user), [
        row("at all", ADMINS),
    ]),

    # --- reading ---------------------------------------------------------------------
    "can_erase_account": Table(
        lambda user, scene, s: permissions.can_erase_account(user, scene.target(s.target, user)), [
            row("a member", MODERATORS, target="bob"),
            row("a moderator", ADMINS, target="moderator"),
            row("an admin", NOBODY, target="admin"),
            row("themself", NOBODY, target="themself"),
        ]),
    "can_see_category": Table(
        lambda user, scene, s: permissions.can_see_category(user, scene.category), [
            row("an ordinary category", EVERYONE),
            row("a members-only category", SIGNED_IN, members_only=True),
        ]),
    "can_see_thread": Table(
        lambda user, scene, s: permissions.can_see_thread(user, scene.thread), [
            row("bob's published thread", EVERYONE),
            row("bob's pending thread", MODERATORS, thread=PENDING),
            row("bob's rejected thread", MODERATORS, thread=REJECTED),
            row("bob's hidden thread", MODERATORS, thread=HIDDEN),
            row("bob's deleted thread", MODERATORS, thread=DELETED),
            row("own published thread", EVERYONE, own=True),
            row("own pending thread", SIGNED_IN, own=True, thread=PENDING),
            row("own rejected thread", SIGNED_IN, own=True, thread=REJECTED),
            row("own hidden thread", SIGNED_IN, own=True, thread=HIDDEN),
            # Gone for its author too; moderators still see it.
            row("own deleted thread", MODERATORS, own=True, thread=DELETED),
            row("bob's locked published thread", EVERYONE, locked=True),
            row("bob's thread in a members-only category", SIGNED_IN, members_only=True),
            row("bob's pending thread, members only", MODERATORS, thread=PENDING,
                members_only=True),
        ]),
    "can_see_post": Table(
        lambda user, scene, s: permissions.can_see_post(user, scene.post), [
            row("bob's published post", EVERYONE),
            row("bob's post in a members-only category", SIGNED_IN, members_only=True),
            row("bob's pending post", MODERATORS, post=PENDING),
            row("bob's rejected post", MODERATORS, post=REJECTED),
            row("bob's hidden post", MODERATORS, post=HIDDEN),
            # Seen as a placeholder by everyone.
            row("bob's deleted post", EVERYONE, post=DELETED),
            row("own published post", EVERYONE, own=True),
            row("own pending post", SIGNED_IN, own=True, post=PENDING),
            row("own rejected post", SIGNED_IN, own=True, post=REJECTED),
            row("own hidden post", SIGNED_IN, own=True, post=HIDDEN),
            row("own deleted post", EVERYONE, own=True, post=DELETED),
        ]),
    "can_see_history": Table(
        lambda user, scene, s: permissions.can_see_history(user, scene.post), [
            row("bob's published post", MODERATORS),
            row("bob's pending post", MODERATORS, post=PENDING),
            row("bob's rejected post", MODERATORS, post=REJECTED),
            row("bob's hidden post", MODERATORS, post=HIDDEN),
            row("bob's deleted post", MODERATORS, post=DELETED),
            row("own published post", SIGNED_IN, own=True),
            row("own pending post", SIGNED_IN, own=True, post=PENDING),
            row("own rejected post", SIGNED_IN, own=True, post=REJECTED),
            row("own hidden post", SIGNED_IN, own=True, post=HIDDEN),
            # What its author took down stays down for them too.
            row("own deleted post", MODERATORS, own=True, post=DELETED),
        ]),

    # --- writing ---------------------------------------------------------------------
    "can_start_thread": Table(
        lambda user, scene, s: permissions.can_start_thread(user, scene.category), [
            row("ordinary category", WRITERS),
            # Held for review, but not refused.
            row("category requiring approval", WRITERS, approval=True),
        ]),
    "can_reply": Table(lambda user, scene, s: permissions.can_reply(user, scene.thread), [
        row("published open thread", WRITERS),
        row("published locked thread", MODERATORS, locked=True),
        row("pending open thread", MODERATORS, thread=PENDING),
        row("rejected open thread", MODERATORS, thread=REJECTED),
        row("hidden open thread", MODERATORS, thread=HIDDEN),
        row("deleted open thread", MODERATORS, thread=DELETED),
        row("hidden locked thread", MODERATORS, thread=HIDDEN, locked=True),
        row("own published open thread", WRITERS, own=True),
        row("own pending thread", MODERATORS, own=True, thread=PENDING),
        row("own published locked thread", MODERATORS, own=True, locked=True),
    ]),
    "can_edit_post": Table(
        lambda user, scene, s: permissions.can_edit_post(user, scene.post), [
            row("own published post, open thread", WRITERS, own=True),
            row("own pending post, open thread", WRITERS, own=True, post=PENDING),
            row("own rejected post, open thread", NOBODY, own=True, post=REJECTED),
            row("own hidden post, open thread", NOBODY, own=True, post=HIDDEN),
            row("own deleted post, open thread", NOBODY, own=True, post=DELETED),
            row("own published post, locked thread", NOBODY, own=True, locked=True),
            row("own pending post, locked thread", NOBODY, own=True, post=PENDING, locked=True),
            row("own rejected post, locked thread", NOBODY, own=True, post=REJECTED,
                locked=True),
            row("own hidden post, locked thread", NOBODY, own=True, post=HIDDEN, locked=True),
            row("own deleted post, locked thread", NOBODY, own=True, post=DELETED, locked=True),
            # Moderators edit others' posts through moderator_edit_post, not this rule.
            row("bob's published post, open thread", NOBODY),
            row("bob's pending post, open thread", NOBODY, post=PENDING),
            row("bob's rejected post, open thread", NOBODY, post=REJECTED),
            row("bob's hidden post, open thread", NOBODY, post=HIDDEN),
            row("bob's deleted post, open thread", NOBODY, post=DELETED),
            row("bob's published post, locked thread", NOBODY, locked=True),
            row("bob's pending post, locked thread", NOBODY, post=PENDING, locked=True),
            row("bob's rejected post, locked thread", NOBODY, post=REJECTED, locked=True),
            row("bob's hidden post, locked thread", NOBODY, post=HIDDEN, locked=True),
            row("bob's deleted post, locked thread", NOBODY, post=DELETED, locked=True),
        ]),
    "can_delete_post": Table(
        lambda user, scene, s: permissions.can_delete_post(user, scene.post), [
            # A silenced member may still take their own words down; a lock does not
            # stop it either.
            row("own published post, open thread", SIGNED_IN, own=True),
            row("own pending post, open thread", SIGNED_IN, own=True, post=PENDING),
            # A rejected or hidden post is still its author's to remove.
            row("own rejected post, open thread", SIGNED_IN, own=True, post=REJECTED),
            row("own hidden post, open thread", SIGNED_IN, own=True, post=HIDDEN),
            row("own deleted post, open thread", NOBODY, own=True, post=DELETED),
            row("own published post, locked thread", SIGNED_IN, own=True, locked=True),
            row("own pending post, locked thread", SIGNED_IN, own=True, post=PENDING,
                locked=True),
            row("own rejected post, locked thread", SIGNED_IN, own=True, post=REJECTED,
                locked=True),
            row("own hidden post, locked thread", SIGNED_IN, own=True, post=HIDDEN,
                locked=True),
            row("own deleted post, locked thread", NOBODY, own=True, post=DELETED, locked=True),
            row("bob's published post, open thread", NOBODY),
            row("bob's pending post, open thread", NOBODY, post=PENDING),
            row("bob's rejected post, open thread", NOBODY, post=REJECTED),
            row("bob's hidden post, open thread", NOBODY, post=HIDDEN),
            row("bob's deleted post, open thread", NOBODY, post=DELETED),
            row("bob's published post, locked thread", NOBODY, locked=True),
            row("bob's pending post, locked thread", NOBODY, post=PENDING, locked=True),
            row("bob's rejected post, locked thread", NOBODY, post=REJECTED, locked=True),
            row("bob's hidden post, locked thread", NOBODY, post=HIDDEN, locked=True),
            row("bob's deleted post, locked thread", NOBODY, post=DELETED, locked=True),
        ]),
    "can_quote": Table(
        lambda user, scene, s: permissions.can_quote(
            user, scene.post, scene.other_thread if s.other_thread else scene.thread), [
            row("bob's published post, open thread", WRITERS),
            row("bob's pending post, open thread", NOBODY, post=PENDING),
            row("bob's rejected post, open thread", NOBODY, post=REJECTED),
            row("bob's hidden post, open thread", NOBODY, post=HIDDEN),
            row("bob's deleted post, open thread", NOBODY, post=DELETED),
            row("bob's published post, locked thread", MODERATORS, locked=True),
            row("bob's hidden post, locked thread", NOBODY, post=HIDDEN, locked=True),
            row("bob's deleted post, locked thread", NOBODY, post=DELETED, locked=True),
            row("bob's published post, hidden thread", MODERATORS, thread=HIDDEN),
            row("bob's published post, pending thread", MODERATORS, thread=PENDING),
            row("bob's published post, quoted in another thread", NOBODY, other_thread=True),
            row("own published post, open thread", WRITERS, own=True),
            row("own pending post, open thread", NOBODY, own=True, post=PENDING),
            row("own hidden post, open thread", NOBODY, own=True, post=HIDDEN),
        ]),
    "can_flag": Table(lambda user, scene, s: permissions.can_flag(user, scene.post), [
        row("bob's published post", WRITERS),
        row("bob's pending post", NOBODY, post=PENDING),
        row("bob's rejected post", NOBODY, post=REJECTED),
        row("bob's hidden post", NOBODY, post=HIDDEN),
        row("bob's deleted post", NOBODY, post=DELETED),
        row("bob's published post, locked thread", WRITERS, locked=True),
        row("own published post", NOBODY, own=True),
        row("own pending post", NOBODY, own=True, post=PENDING),
        row("own hidden post", NOBODY, own=True, post=HIDDEN),
    ]),
    # "This helped" (#12): members, on someone else's published post.
    "can_mark_helped": Table(lambda user, scene, s: permissions.can_mark_helped(user,
                                                                             scene.post), [
        row("bob's published post", WRITERS),
        row("bob's published post, locked thread", WRITERS, locked=True),
        row("bob's published post, members-only category", WRITERS, members_only=True),
        row("bob's pending post", NOBODY, post=PENDING),
        row("bob's hidden post", NOBODY, post=HIDDEN),
        row("bob's deleted post", NOBODY, post=DELETED),
        row("own published post", NOBODY, own=True),
    ]),
    "can_see_helpers": Table(lambda user, scene, s: permissions.can_see_helpers(user), [
        row("who found a post helpful", SIGNED_IN),
    ]),
    "must_be_reviewed": Table(
        lambda user, scene, s: permissions.must_be_reviewed(
            user, scene.category, s.link,
            threshold=current_app.config["APPROVAL_THRESHOLD"] if s.threshold is None
            else s.threshold),
        [
            # newbie: no approved post yet, and an account younger than a day.
            row("ordinary category, no link", {"newbie"}),
            row("ordinary category, with a link", {"newbie"}, link=True),
            # Everyone but an active moderator: to is_moderator, a suspended one is not.
            row("category requiring approval, no link", NOT_MODERATORS, approval=True),
            row("category requiring approval, with a link", NOT_MODERATORS, approval=True,
                link=True),
            row("threshold 0, no link", NOBODY, threshold=0),
            # Past the threshold, a young account's links still wait.
            row("threshold 0, with a link", {"newbie"}, threshold=0, link=True),
        ],
        personas=tuple(p for p in PERSONAS if p != "anonymous")),  # only authors are asked

    "has_flagging_standing": Table(
        lambda user, scene, s: permissions.has_flagging_standing(user), [
            # newbie: no approved post, and an account under a day old.
            row("at all", EVERYONE - {"anonymous", "newbie"}),
        ],
        personas=tuple(p for p in PERSONAS if p != "anonymous")),  # only flaggers are asked
    "can_be_auto_hidden": Table(
        lambda user, scene, s: permissions.can_be_auto_hidden(scene.post), [
            # Flags alone never take down a post by someone with the moderator role,
            # suspended or not.
            row("own post", {"alice", "tess", "newbie", "silenced", "fred"}, own=True),
            row("bob's post", EVERYONE),
            row("a post whose author is gone", EVERYONE, author_gone=True),
        ]),

    # --- moderation --------------------------------------------------------------------
    "can_edit_as_moderator": Table(
        lambda user, scene, s: permissions.can_edit_as_moderator(user, scene.post), [
            row("bob's published post", MODERATORS),
            row("bob's pending post", MODERATORS, post=PENDING),
            row("bob's rejected post", MODERATORS, post=REJECTED),
            row("bob's hidden post", MODERATORS, post=HIDDEN),
            # Deleting was its author's decision.
            row("bob's deleted post", NOBODY, post=DELETED),
            row("bob's published post, locked thread", MODERATORS, locked=True),
            row("own published post", MODERATORS, own=True),
            row("own deleted post", NOBODY, own=True, post=DELETED),
        ]),
    "can_move_post": Table(
        lambda user, scene, s: permissions.can_move_post(user, scene.post, s.move), [
            row("approve a pending post", MODERATORS, post=PENDING, move="approve"),
            row("reject a pending post", MODERATORS, post=PENDING, move="reject"),
            row("hide a pending post", NOBODY, post=PENDING, move="hide"),
            row("restore a pending post", NOBODY, post=PENDING, move="restore"),
            row("approve a published post", NOBODY, move="approve"),
            row("reject a published post", NOBODY, move="reject"),
            row("hide a published post", MODERATORS, move="hide"),
            row("restore a published post", NOBODY, move="restore"),
            row("approve a hidden post", NOBODY, post=HIDDEN, move="approve"),
            row("reject a hidden post", NOBODY, post=HIDDEN, move="reject"),
            row("hide a hidden post", NOBODY, post=HIDDEN, move="hide"),
            row("restore a hidden post", MODERATORS, post=HIDDEN, move="restore"),
            row("approve a rejected post", NOBODY, post=REJECTED, move="approve"),
            row("reject a rejected post", NOBODY, post=REJECTED, move="reject"),
            row("hide a rejected post", NOBODY, post=REJECTED, move="hide"),
            row("restore a rejected post", MODERATORS, post=REJECTED, move="restore"),
            # A deleted post is its author's decision: no move brings it back.
            row("approve a deleted post", NOBODY, post=DELETED, move="approve"),
            row("reject a deleted post", NOBODY, post=DELETED, move="reject"),
            row("hide a deleted post", NOBODY, post=DELETED, move="hide"),
            row("restore a deleted post", NOBODY, post=DELETED, move="restore"),
            row("an unknown move on a published post", NOBODY, move="delete"),
            row("hide own published post", MODERATORS, own=True, move="hide"),
        ]),
    "can_change_role": Table(
        lambda user, scene, s: permissions.can_change_role(
            user, scene.target(s.target, user), s.role), [
            row("bob to moderator", ADMINS, role=Role.MODERATOR),
            row("bob to admin", ADMINS, role=Role.ADMIN),
            row("bob to member, his role already", NOBODY, role=Role.MEMBER),
            row("bob to an unknown role", NOBODY, role="owner"),
            row("a moderator to member", ADMINS, target="moderator", role=Role.MEMBER),
            row("a moderator to moderator", NOBODY, target="moderator", role=Role.MODERATOR),
            row("another admin to member", ADMINS, target="admin", role=Role.MEMBER),
            row("a suspended member to moderator", ADMINS, target="suspended member",
                role=Role.MODERATOR),
            # Another admin must do it.
            row("themself to member", NOBODY, target="themself", role=Role.MEMBER),
            row("themself to admin", NOBODY, target="themself", role=Role.ADMIN),
        ]),
    "can_resubmit": Table(
        lambda user, scene, s: permissions.can_resubmit(user, scene.post), [
            row("own rejected post", WRITERS, own=True, post=REJECTED),
            row("own hidden post", WRITERS, own=True, post=HIDDEN),
            row("own rejected post, locked thread", NOBODY, own=True, post=REJECTED,
                locked=True),
            row("own published post", NOBODY, own=True),
            row("own pending post", NOBODY, own=True, post=PENDING),
            row("own deleted post", NOBODY, own=True, post=DELETED),
            row("bob's rejected post", NOBODY, post=REJECTED),
            row("bob's hidden post", NOBODY, post=HIDDEN),
        ]),
    # A conversation between the moderators and one member: the persona's own (`own`),
    # or Bob's.
    "can_read_conversation": Table(
        lambda user, scene, s: permissions.can_read_conversation(user, _conversation(
            user, scene, s)), [
            row("own conversation", SIGNED_IN, own=True),
            row("bob's conversation", MODERATORS),
        ]),
    "can_write_in_conversation": Table(
        lambda user, scene, s: permissions.can_write_in_conversation(user, _conversation(
            user, scene, s)), [
            # Silenced members may still answer the moderators.
            row("own conversation", SIGNED_IN, own=True),
            row("bob's conversation", MODERATORS),
        ]),
    "can_message_member": Table(
        lambda user, scene, s: permissions.can_message_member(user, scene.target(s.target,
                                                                                 user)), [
            row("a member (bob)", MODERATORS),
            row("a suspended member", MODERATORS, target="suspended member"),
            row("another moderator", MODERATORS, target="moderator"),
            row("themself", NOBODY, target="themself"),
        ]),
    "can_sanction": Table(
        lambda user, scene, s: permissions.can_sanction(user, scene.target(s.target, user)), [
            row("a member (bob)", MODERATORS),
            row("a suspended member", MODERATORS, target="suspended member"),
            row("a silenced member", MODERATORS, target="silenced member"),
            row("a verified therapist", MODERATORS, target="therapist"),
            # Moderators are sanctioned by admins only, admins by nobody.
            row("another moderator", ADMINS, target="moderator"),
            row("another admin", NOBODY, target="admin"),
            row("themself", NOBODY, target="themself"),
        ]),
}


def _conversation(user, scene, state):
    """A stand-in conversation: the predicates read only whose it is."""
    return SimpleNamespace(member_id=user.id if state.own else scene.cast["bob"].id)


@pytest.fixture
def cast(app, alice, bob, tess, mia, ada, fred):
    """The personas of PERSONAS by name; bob writes what is "someone else's"."""
    return {"anonymous": AnonymousUserMixin(), "alice": alice, "tess": tess,
            "newbie": make_user("nina", new=True),
            "silenced": make_user("sam", silenced=True), "fred": fred, "mia": mia, "ada": ada,
            "mod_suspended": make_user("max", role=Role.MODERATOR, suspended=True),
            "bob": bob}


class Scene:
    """Bob's thread and reply, made through the services. arrange() then sets a row's
    state on them directly and never commits: the predicates are pure."""

    def __init__(self, cast, state: State):
        self.cast = cast
        thread = make_thread(cast["bob"], make_category(), replies=1)
        self.post = db.session.query(Post).filter_by(thread_id=thread.id, position=2).one()
        self.thread = self.post.thread
        self.category = self.thread.category
        # Whatever else the row needs is made (and committed) now, before arrange():
        # nothing may flush the arranged state.
        self.targets = {"bob": cast["bob"], "therapist": cast["tess"]}
        if state.target not in self.targets:
            self.targets.update({"suspended member": make_user("sid", suspended=True),
                                 "silenced member": make_user("sally", silenced=True),
                                 "moderator": make_user("otto", role=Role.MODERATOR),
                                 "admin": make_user("adele", role=Role.ADMIN)})
        self.other_thread = (make_thread(cast["bob"], title="Another thread entirely")
                             if state.other_thread else None)

    def target(self, name: str, user):
        return user if name == "themself" else self.targets[name]

    def arrange(self, user, state: State) -> None:
        author = None if state.author_gone else user if state.own else self.cast["bob"]
        self.post.author = author
        self.post.author_id = self.thread.author_id = author.id if author else None
        self.post.status = state.post
        self.thread.status = state.thread
        self.thread.locked_at = utcnow() - timedelta(hours=1) if state.locked else None
        self.category.requires_approval = state.approval
        self.category.members_only = state.members_only


CELLS = [pytest.param(name, r, id=f"{name}: {r.label}")
         for name, table in TABLES.items() for r in table.rows]


@pytest.mark.parametrize("name, row_", CELLS)
def test_permission_table(cast, name, row_):
    table = TABLES[name]
    scene = Scene(cast, row_.state)
    answers = {}
    with db.session.no_autoflush:
        for persona in row_.personas(table):
            user = cast[persona]
            scene.arrange(user, row_.state)
            answers[persona] = table.ask(user, scene, row_.state)
    assert all(type(answer) is bool for answer in answers.values()), answers
    assert answers == {persona: persona in row_.allowed for persona in answers}


def _module_functions(prefix: str = "") -> set[str]:
    return {name for name, function in inspect.getmembers(permissions, inspect.isfunction)
            if function.__module__ == permissions.__name__ and name.startswith(prefix)}


def test_every_predicate_has_a_table():
    missing = _module_functions("can_") - set(TABLES)
    assert not missing, f"add a table to tests/test_permissions.py for {sorted(missing)}"
    assert {"is_moderator", "is_author", "must_be_reviewed"} <= set(TABLES)
    assert set(TABLES) <= _module_functions(), "a table for a predicate that is gone"


def test_tables_name_only_known_personas_and_both_answers():
    for name, table in TABLES.items():
        cells = [(persona, persona in r.allowed) for r in table.rows
                 for persona in r.personas(table)]
        for r in table.rows:
            assert r.allowed <= set(table.personas), (name, r.label)
        assert {answer for _, answer in cells} == {True, False}, name
        assert len({r.label for r in table.rows}) == len(table.rows), name
        # The badge is a label, not a permission.
        assert all(("tess" in r.allowed) == ("alice" in r.allowed) for r in table.rows), name
