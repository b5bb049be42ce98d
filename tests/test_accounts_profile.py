"""Profiles, members-only categories, consent and the privacy pages."""
import pytest

from forum.extensions import db
from forum.models import Category, Consent, Post, User
from forum.seed import seed

from .factories import PASSWORD, make_category, make_thread, make_user

SECRET_TITLE = "My son drinks again"
SECRET_BODY = "He promised he would stop; I found bottles in the garage."


@pytest.fixture
def family(app):
    category = make_category("family-friends", "Family & friends")
    category.members_only = True
    db.session.commit()
    return category


@pytest.fixture
def private_thread(family, alice):
    return make_thread(alice, family, title=SECRET_TITLE, body=SECRET_BODY)


def test_the_profile_shows_name_badge_joined_count_bio_and_recent_posts(client, tess):
    services_bio = "I work with **clients** on alcohol.\n\n<script>alert(1)</script>"
    from forum.accounts.services import update_profile
    update_profile(tess, bio=services_bio, hide_activity=False)
    make_thread(tess, title="What I see in practice", body="Many clients do well at 90 mg.")
    page = client.get("/u/tess")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Verified therapist" in text and "Member since" in text and "1 post" in text
    assert "<strong>clients</strong>" in text and "<script>" not in text
    assert "What I see in practice" in text and "Many clients do well at 90 mg." in text
    assert '<meta name="robots" content="noindex">' in text


def test_the_bio_is_at_most_500_characters(alice, login):
    client = login(alice)
    response = client.post("/settings/profile", data={"bio": "x" * 501})
    assert response.status_code == 422
    assert "x" * 501 in response.get_data(as_text=True)  # nothing lost
    db.session.expire_all()
    assert db.session.get(User, alice.id).bio == ""


def test_activity_can_be_hidden_from_guests(app, alice, bob, login):
    make_thread(alice, title="Three months at 90 mg")
    login(alice).post("/settings/profile", data={"bio": "Hello", "hide_activity": "y"})
    guest = app.test_client().get("/u/alice").get_data(as_text=True)
    assert "Three months at 90 mg" not in guest and "logged-in members only" in guest
    assert "Three months at 90 mg" in login(bob).get("/u/alice").get_data(as_text=True)


def test_a_members_only_category_is_invisible_to_guests_everywhere(app, alice, bob, login,
                                                                     private_thread):
    guest = app.test_client()
    post = db.session.query(Post).filter_by(thread_id=private_thread.id).first()
    pages = {
        "/": 200, "/c/family-friends": 404, f"/t/{private_thread.id}": 404,
        f"/p/{post.id}": 404, "/u/alice": 200, "/c/family-friends/new": 302,
    }
    for path, status in pages.items():
        response = guest.get(path)
        text = response.get_data(as_text=True)
        assert response.status_code == status, path
        assert SECRET_TITLE not in text and SECRET_BODY not in text, path
        assert "Family &amp; friends" not in text or path.startswith("/c/"), path
    # Members see it all, marked noindex.
    member = login(bob)
    for path in ("/c/family-friends", f"/t/{private_thread.id}"):
        text = member.get(path).get_data(as_text=True)
        assert SECRET_TITLE in text and '<meta name="robots" content="noindex">' in text
    assert SECRET_TITLE in member.get("/").get_data(as_text=True)
    assert SECRET_TITLE in member.get("/u/alice").get_data(as_text=True)


def test_ordinary_pages_are_not_noindex(client, alice):
    thread = make_thread(alice)
    assert "noindex" not in client.get(f"/t/{thread.id}").get_data(as_text=True)


def test_seed_makes_family_and_friends_members_only(app):
    seed()
    family = db.session.query(Category).filter_by(slug="family-friends").one()
    assert family.members_only
    assert db.session.query(Category).filter_by(members_only=True).count() == 1


def test_an_erased_members_name_has_no_profile(client, alice):
    alice.erased_at = alice.created_at
    db.session.commit()
    assert client.get("/u/alice").status_code == 404


# --- consent ---------------------------------------------------------------------------

def test_consent_is_recorded_with_time_and_version_separately(app, client):
    client.post("/register", data={"username": "carol", "email": "c@example.org",
                                   "password": PASSWORD, "consent_health": "y",
                                   "accept_guidelines": "y"})
    carol = db.session.query(User).filter_by(username="carol").one()
    kinds = {(c.kind, c.policy_version) for c in db.session.query(Consent).filter_by(
        user_id=carol.id)}
    version = app.config["PRIVACY_POLICY_VERSION"]
    assert kinds == {("health_data", version), ("guidelines", version)}
    assert all(c.given_at is not None for c in db.session.query(Consent))


def test_a_new_policy_version_asks_again_at_next_login(app, alice):
    app.config["PRIVACY_POLICY_VERSION"] = "2099-01-01"
    client = app.test_client()
    client.post("/login", data={"username": "alice", "password": PASSWORD})
    response = client.get("/")
    assert response.status_code == 302 and "/consent" in response.location
    assert client.get("/privacy").status_code == 200  # the notice itself stays readable
    page = client.get("/consent").get_data(as_text=True)
    assert "has changed" in page
    refused = client.post("/consent", data={"accept_guidelines": "y"})
    assert refused.status_code == 422
    assert client.post("/consent", data={"consent_health": "y",
                                         "accept_guidelines": "y"}).status_code == 302
    assert client.get("/").status_code == 200
    versions = [c.policy_version for c in db.session.query(Consent).filter_by(
        user_id=alice.id, kind="health_data").order_by(Consent.id)]
    assert len(versions) == 2 and versions[-1] == "2099-01-01"


def test_privacy_and_guidelines_pages_are_linked_from_registration_and_footer(client):
    for path in ("/", "/register"):
        text = client.get(path).get_data(as_text=True)
        assert 'href="/privacy"' in text and 'href="/guidelines"' in text
    privacy = client.get("/privacy").get_data(as_text=True)
    for topic in ("What is stored", "Who can see it", "For how long", "Export",
                  "Delete your account"):
        assert topic in privacy
    guidelines = client.get("/guidelines").get_data(as_text=True)
    assert "How moderation works" in guidelines
