"""Static files carry their digest in the URL and are cached for a year."""
import re

from forum.staticfiles import YEAR


def test_pages_link_static_files_by_digest(client):
    page = client.get("/").get_data(as_text=True)
    links = re.findall(r'href="(/static/[^"]+)"', page)
    assert links and all(re.search(r"\?v=[0-9a-f]{16}$", link) for link in links), links


def test_the_current_digest_is_cached_for_a_year_and_immutable(app, client):
    digest = app.extensions["forum_static_digests"]["css/forum.css"]
    response = client.get(f"/static/css/forum.css?v={digest}")
    assert response.status_code == 200
    assert response.cache_control.max_age == YEAR
    assert response.cache_control.immutable and response.cache_control.public
    response.close()


def test_an_old_or_missing_digest_gets_the_file_briefly(client):
    for url in ("/static/css/forum.css", "/static/css/forum.css?v=0000000000000000"):
        response = client.get(url)
        assert response.status_code == 200 and response.cache_control.max_age == 300
        assert not response.cache_control.immutable
        response.close()


def test_a_changed_file_gets_a_new_url(tmp_path):
    from forum.staticfiles import digests
    (tmp_path / "a.css").write_text("body { color: black }")
    before = digests(tmp_path)["a.css"]
    (tmp_path / "a.css").write_text("body { color: navy }")
    assert digests(tmp_path)["a.css"] != before
