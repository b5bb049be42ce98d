"""The resources section: seed, pages, curation, citations."""
import re

import pytest

from forum.errors import PermissionDenied, ValidationFailed
from forum.extensions import db
from forum.models import Action, ModerationAction, Post, Resource, Role, SafetyPhrase
from forum.resources import services
from forum.resources.citations import render_post
from forum.seed import RESOURCES, seed

from .conftest import USING_POSTGRES  # noqa: F401
from .factories import make_category, make_thread, make_user


def test_seed_adds_resources_and_phrases_once(app):
    seed()
    seed()
    assert db.session.query(Resource).count() == len(RESOURCES)
    titles = [r.title for r in db.session.query(Resource)]
    assert any(t.startswith("Dose–response effect of baclofen") for t in titles)
    addolorato = db.session.query(Resource).filter_by(seed_key="addolorato-2011").one()
    assert (addolorato.year, addolorato.doi, addolorato.evidence_label) == (
        2011, "10.1093/alcalc/agr017", "Secondary analysis of a trial")
    assert db.session.query(SafetyPhrase).filter_by(phrase="kill myself").count() == 1


def test_resources_page_groups_by_section_with_labels_and_safe_links(app, client):
    seed()
    page = client.get("/resources").get_data(as_text=True)
    sections = re.findall(r'<h2 id="heading-(\w+)">([^<]+)</h2>', page)
    assert [key for key, _ in sections] == ["research", "books", "helplines"]
    assert "Secondary analysis of a trial" in page and "Self-case report" in page
    assert 'href="https://doi.org/10.1093/alcalc/agr017" rel="noopener noreferrer"' in page
    assert "Samaritans" in page and 'href="tel:116123"' in page
    for resource in db.session.query(Resource):
        assert f'id="r{resource.id}"' in page


def test_pinned_resources_on_home_and_start_here_in_categories(app, client):
    seed()
    category = make_category()
    home = client.get("/").get_data(as_text=True)
    category_page = client.get(f"/c/{category.slug}").get_data(as_text=True)
    pinned = db.session.query(Resource).filter_by(pinned=True).all()
    assert pinned
    for page in (home, category_page):
        assert "Start here" in page
        for resource in pinned:
            assert f'href="/resources#r{resource.id}"' in page


def test_help_page_lists_helplines_from_the_resources(app, client):
    seed()
    line = db.session.query(Resource).filter_by(seed_key="drinkline").one()
    line.summary = "A CHANGED SUMMARY"
    db.session.commit()
    page = client.get("/help").get_data(as_text=True)
    assert "A CHANGED SUMMARY" in page and "Flag" in page and "not medical advice" in page


# --- curation -------------------------------------------------------------------------

ENTRY = dict(section="research", title="A new trial", authors="Smith J", year="2024",
             source="Journal", doi="https://doi.org/10.1000/xyz123", url="",
             evidence_type="rct", summary="It shows X; it does not show Y.")


@pytest.mark.parametrize("who, allowed", [("anonymous", False), ("alice", False),
                                          ("fred", False), ("mia", True), ("ada", True)])
def test_who_may_curate(app, who, allowed):
    from flask_login import AnonymousUserMixin
    user = {"anonymous": AnonymousUserMixin(), "alice": make_user("alice"),
            "fred": make_user("fred", suspended=True),
            "mia": make_user("mia", role=Role.MODERATOR),
            "ada": make_user("ada", role=Role.ADMIN)}[who]
    if allowed:
        resource = services.add_resource(user, **ENTRY)
        assert resource.doi == "10.1000/xyz123" and resource.year == 2024
        services.set_pinned(user, resource, True)
        services.remove_resource(user, resource, reason="Retracted")
        assert [e.action for e in db.session.query(ModerationAction).order_by(ModerationAction.id)] == [
            Action.ADD_RESOURCE, Action.PIN_RESOURCE, Action.REMOVE_RESOURCE]
    else:
        with pytest.raises(PermissionDenied):
            services.add_resource(user, **ENTRY)
        assert db.session.query(Resource).count() == 0


@pytest.mark.parametrize("field, value", [("title", "x"), ("year", "1066"), ("year", "soon"),
                                          ("doi", "not-a-doi"), ("url", "javascript:alert(1)"),
                                          ("url", "ftp://x"), ("section", "nope"),
                                          ("evidence_type", "vibes")])
def test_resource_fields_are_checked(app, field, value):
    mia = make_user("mia", role=Role.MODERATOR)
    with pytest.raises(ValidationFailed) as failure:
        services.add_resource(mia, **{**ENTRY, field: value})
    assert failure.value.errors[0][0] == field


def test_curation_over_http_without_javascript(app, login):
    mia = make_user("mia", role=Role.MODERATOR)
    client = login(mia)
    assert client.post("/mod/resources/new", data=ENTRY).status_code == 302
    assert client.post("/mod/resources/new", data={**ENTRY, "title": "Second one"}).status_code == 302
    first, second = db.session.query(Resource).order_by(Resource.id).all()
    assert (first.position, second.position) == (1, 2)
    client.post(f"/mod/resources/{second.id}/up")
    db.session.expire_all()
    assert (first.position, second.position) == (2, 1)
    page = client.get("/mod/resources").get_data(as_text=True)
    assert page.index("Second one") < page.index("A new trial")
    client.post(f"/mod/resources/{first.id}/edit", data={**ENTRY, "title": "Renamed trial"})
    client.post(f"/mod/resources/{first.id}/pin")
    client.post(f"/mod/resources/{second.id}/remove", data={"reason": "Duplicate"})
    db.session.expire_all()
    assert first.title == "Renamed trial" and first.pinned and second.removed_at is not None
    assert "Second one" not in app.test_client().get("/resources").get_data(as_text=True)
    bad = client.post("/mod/resources/new", data={**ENTRY, "title": "", "year": "soon"})
    assert bad.status_code == 422 and "Give the year" in bad.get_data(as_text=True)
    public_log = app.test_client().get("/modlog").get_data(as_text=True)
    assert "added a resource" in public_log and "Duplicate" in public_log


# --- citations ------------------------------------------------------------------------

def test_a_link_to_a_resource_renders_as_a_citation(app):
    seed()
    resource = db.session.query(Resource).filter_by(seed_key="addolorato-2011").one()
    html = render_post(f"See [this]( /resources#r{resource.id} ) and [that](/resources#r{resource.id}).")
    assert html.count('class="citation"') == 2
    assert f'<a class="citation" href="/resources#r{resource.id}"><cite>Dose–response' in html
    assert "(2011) · <span class=\"evidence\">Secondary analysis of a trial</span>" in html


def test_unknown_or_removed_resource_stays_an_ordinary_link(app):
    html = render_post("[gone](/resources#r999)")
    assert "citation" not in html and 'href="/resources#r999"' in html


@pytest.mark.parametrize("attack", [
    '<a href="/resources#r{id}" class="x" onclick="alert(1)">x</a>',
    '[x](/resources#r{id}" onclick="alert(1))',
    '[x](/resources#r{id}"><script>alert(1)</script>)',
    '[<img src=x onerror=alert(1)>](/resources#r{id})',
    '[x](javascript:/resources#r{id})',
])
def test_citations_cannot_be_used_to_inject_markup(app, attack):
    mia = make_user("mia", role=Role.MODERATOR)
    resource = services.add_resource(mia, **{**ENTRY, "title": '<script>alert("t")</script>',
                                             "summary": ""})
    html = render_post(attack.format(id=resource.id))
    tags = _tags(html)
    assert {tag for tag, _ in tags} <= {"p", "a", "cite", "span"}
    for _tag, attrs in tags:
        assert not any(name.startswith("on") for name, _ in attrs)
        assert all(not (value or "").lower().startswith("javascript:") for _, value in attrs)
    if 'class="citation"' in html:
        assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in html


def _tags(html):
    from html.parser import HTMLParser

    class Collect(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags = []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, attrs))

    parser = Collect()
    parser.feed(html)
    return parser.tags


def test_posts_store_the_citation_when_written(app, client):
    seed()
    resource = db.session.query(Resource).filter_by(seed_key="garbutt-2021").one()
    thread = make_thread(make_user("alice"),
                         body=f"The US trial was negative: [Garbutt](/resources#r{resource.id})")
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    assert 'class="citation"' in post.body_html
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Randomised controlled trial" in page
