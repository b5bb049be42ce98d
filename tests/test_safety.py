"""Crisis language and dose talk: detection, and what happens to the post."""
import re

import pytest

from forum.extensions import db
from forum.models import Flag, FlagReason, Post, PostStatus
from forum.moderation import queries
from forum.safety import find_crisis_phrase, mentions_dose
from forum.seed import SAFETY_PHRASES, seed

from .factories import make_category, make_post, make_thread, make_user

PHRASES = tuple(SAFETY_PHRASES)


@pytest.mark.parametrize("text", [
    "Some days I just want to kill myself.",
    "I keep thinking I should END MY LIFE",
    "There's no reason to live any more",
    "I could overdose on my pills",
    "suicide rates in the trial were low",          # flagged anyway: moderators decide
    "Feeling suicidal tonight",
    "I don’t want to live like this",               # curly apostrophe
    "better off dead,\nhonestly",
    "I have been thinking about ending   my   life",  # odd spacing
    "**kill myself**",                              # markdown around it
])
def test_crisis_language_is_found(text):
    assert find_crisis_phrase(text, PHRASES) is not None


@pytest.mark.parametrize("text", [
    "I read a book to kill time",
    "This heat will kill me, haha",
    "The side effects nearly did me in but I'm fine now",
    "suicides",                                     # not a whole-word match of "suicide"
    "I took 30 mg today and slept well",
    "Taper slowly, my doctor said",
    "",
])
def test_ordinary_words_are_not_crisis_language(text):
    assert find_crisis_phrase(text, PHRASES) is None


@pytest.mark.parametrize("text, dose", [
    ("I'm on 90 mg a day", True), ("up to 270mg", True), ("1,000 mg", True),
    ("2.5 milligrams", True), ("we titrated slowly", True), ("titrate", True),
    ("tapering off over a month", True), ("my doctor wants to switch the dose", True),
    ("switched doses last week", True), ("I feel much better", False),
    ("mg is short for milligram", False), ("page 12 of the paper", False),
    ("Switch to decaf", False),
])
def test_dose_talk(text, dose):
    assert mentions_dose(text) is dose


@pytest.fixture
def seeded(app):
    seed()


def test_crisis_post_is_published_flagged_and_first_in_queue(app, seeded, login):
    thread = make_thread(make_user("alice"), replies=1)
    other = db.session.query(Post).filter_by(thread_id=thread.id, position=2).one()
    from forum.flags import services
    for n in range(3):
        services.flag_post(make_user(f"flagger{n}"), other, reason="spam")
    newbie = make_user("newbie", new=True)  # would normally be held for review
    response = login(newbie).post(f"/t/{thread.id}/reply",
                                  data={"body": "I don't see the point, I want to end my life"},
                                  follow_redirects=True)
    page = response.get_data(as_text=True)
    post = db.session.query(Post).filter_by(author_id=newbie.id).one()
    assert post.status == PostStatus.PUBLISHED
    assert 'class="flash flash-crisis" role="alert"' in page
    assert "Samaritans" in page and "tel:116123" in page and "988" in page
    [flag] = db.session.query(Flag).filter_by(post_id=post.id).all()
    assert flag.flagger_id is None and flag.reason == FlagReason.AT_RISK
    assert "end my life" in flag.note
    queue = queries.list_queue()
    assert queue[0].post.id == post.id and queue[0].at_risk
    # Everyone can read it (so others can answer), but the system flag stays private.
    public = app.test_client().get(f"/t/{thread.id}").get_data(as_text=True)
    assert "end my life" in public and "Crisis language" not in public
    assert "Crisis language" not in app.test_client().get("/modlog").get_data(as_text=True)


def test_crisis_in_a_new_thread_title_counts(app, seeded):
    from forum.threads import services
    post = services.create_thread(make_user("alice"), make_category(),
                                  title="Thinking about suicide", body="I need to talk.").post
    assert db.session.query(Flag).filter_by(post_id=post.id, reason="at_risk").count() == 1


def test_editing_in_crisis_language_flags_once(app, seeded):
    from forum.threads import services
    alice = make_user("alice")
    thread = make_thread(alice)
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    services.edit_post(alice, post, body="I want to kill myself")
    services.edit_post(alice, post, body="I want to kill myself. Sorry.")
    assert db.session.query(Flag).filter_by(post_id=post.id).count() == 1


def test_ordinary_post_is_not_flagged(app, seeded, login):
    thread = make_thread(make_user("alice"))
    reply = make_post(make_user("bob"), thread, body="Reading helps me kill time")
    assert db.session.query(Flag).filter_by(post_id=reply.id).count() == 0


def test_dose_line_under_posts_and_in_the_compose_box(app, seeded, login):
    alice = make_user("alice")
    thread = make_thread(alice, body="I went up to 120 mg over six weeks.")
    make_post(alice, thread, body="No numbers here.")
    page = login(alice).get(f"/t/{thread.id}").get_data(as_text=True)
    assert page.count('<p class="dose-note">Personal experience, not dosing advice.') == 1
    assert 'href="/help#medical-heading"' in page
    # The compose box says it before anyone posts.
    assert page.count("Personal experience, not dosing advice") == 2
    new = login(alice).get(f"/c/{thread.category.slug}/new").get_data(as_text=True)
    assert "Personal experience, not dosing advice" in new


def test_after_a_crisis_post_the_author_lands_on_the_helplines(app, seeded, login):
    thread = make_thread(make_user("alice"))
    client = login(make_user("bob"))
    response = client.post(f"/t/{thread.id}/reply", data={"body": "I want to end my life"})
    # Not the post's own anchor, further down: the alert at the top of <main>.
    assert response.headers["Location"] == f"/t/{thread.id}#main"
    calm = client.post(f"/t/{thread.id}/reply", data={"body": "Thinking of you"})
    assert re.fullmatch(rf"/t/{thread.id}#p\d+", calm.headers["Location"])
