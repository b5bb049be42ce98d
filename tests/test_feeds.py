"""Atom feeds: valid Atom 1.0 with the right entries, public content only, advertised on
the matching pages."""
import xml.etree.ElementTree as ET
from datetime import datetime

from sqlalchemy import select

from forum.extensions import db
from forum.models import Post
from forum.moderation import services as moderation

from .factories import make_category, make_post, make_thread, make_user

ATOM = "{http://www.w3.org/2005/Atom}"


def parse_atom(response):
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    # RFC 4287: a feed has id, title, updated, an author (here on the feed), a self link;
    # every entry has id, title, updated, and content or an alternate link.
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}") is not None, name
        assert feed.find(f"{ATOM}{name}").text.strip()
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    datetime.fromisoformat(feed.find(f"{ATOM}updated").text)
    entries = feed.findall(f"{ATOM}entry")
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(ids) == len(set(ids))
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}") is not None, name
        datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
    return feed, entries


def test_a_thread_feed_has_its_published_posts(app, alice, bob, mia, client):
    thread = make_thread(alice, title="Feeds and <things> & more", body="Opening **words**.")
    reply = make_post(bob, thread, body="A visible reply.")
    hidden = make_post(bob, thread, body="A hidden reply.")
    moderation.hide_post(mia, hidden, reason="Checking.")
    newcomer = make_user("newcomer", new=True)
    from forum.threads import services
    services.reply(newcomer, thread, body="A held reply.")
    feed, entries = parse_atom(client.get(f"/t/{thread.id}/feed.atom"))
    assert feed.find(f"{ATOM}title").text.startswith("Feeds and <things> & more")
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert any(link.endswith(f"/p/{reply.id}") for link in links)
    assert not any(link.endswith(f"/p/{hidden.id}") for link in links)
    body = client.get(f"/t/{thread.id}/feed.atom").get_data(as_text=True)
    assert "hidden reply" not in body and "held reply" not in body
    assert "<strong>words</strong>" in ET.fromstring(body.encode()).findall(
        f"{ATOM}entry")[-1].find(f"{ATOM}content").text


def test_a_category_feed_has_its_threads(app, alice, client):
    category = make_category()
    first = make_thread(alice, category, title="First thread here")
    second = make_thread(alice, category, title="Second thread here")
    _, entries = parse_atom(client.get(f"/c/{category.slug}/feed.atom"))
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Second thread here",
                                                              "First thread here"]
    assert first.id and second.id


def test_nothing_from_members_only_categories(app, alice, client, login):
    private = make_category("private", "Members only")
    private.members_only = True
    db.session.commit()
    thread = make_thread(alice, private, title="Private thread here")
    assert client.get(f"/c/{private.slug}/feed.atom").status_code == 404
    assert client.get(f"/t/{thread.id}/feed.atom").status_code == 404
    # not even for a member: a feed reader is a guest, whoever subscribed
    assert login(alice).get(f"/t/{thread.id}/feed.atom").status_code == 404
    page = login(alice).get(f"/t/{thread.id}").get_data(as_text=True)
    assert "application/atom+xml" not in page


def test_hidden_and_missing_threads_have_no_feed(app, alice, mia, client):
    thread = make_thread(alice)
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    moderation.hide_post(mia, first, reason="Personal information.")
    assert client.get(f"/t/{thread.id}/feed.atom").status_code == 404
    assert client.get("/t/424242/feed.atom").status_code == 404
    assert client.get("/c/nowhere/feed.atom").status_code == 404


def test_pages_advertise_their_feeds(app, alice, client):
    category = make_category()
    thread = make_thread(alice, category)
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert (f'<link rel="alternate" type="application/atom+xml" title="{thread.title} (Atom feed)" '
            f'href="/t/{thread.id}/feed.atom">') in page
    page = client.get(f"/c/{category.slug}").get_data(as_text=True)
    assert f'href="/c/{category.slug}/feed.atom"' in page
