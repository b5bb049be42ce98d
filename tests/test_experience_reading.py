"""Issue #10: reading long threads, locked threads, a calm and honest layout."""
import re

from forum.extensions import db
from forum.models import Post
from forum.moderation import sanctions, services as moderation

from .factories import make_category, make_post, make_thread, make_user


def test_pager_says_where_it_goes(app, client, alice):
    thread = make_thread(alice, replies=99)  # 100 posts: five pages of 20
    page = client.get(f"/t/{thread.id}?page=3").get_data(as_text=True)
    pager = page[page.index('aria-label="Pages, above the posts"'):]
    pager = pager[:pager.index("</nav>")]
    assert "Page 3 of 5" in pager
    assert f'rel="prev" href="/t/{thread.id}?page=2">← Previous' in pager
    assert f'rel="next" href="/t/{thread.id}?page=4">Next →' in pager
    assert f'href="/t/{thread.id}"><span class="visually-hidden">Page </span>1<' in pager
    assert f'href="/t/{thread.id}?page=5"><span class="visually-hidden">Page </span>5<' in pager
    assert 'aria-current="page"' in pager
    assert f'href="/t/{thread.id}?page=5#latest">Latest post' in pager
    last = client.get(f"/t/{thread.id}?page=5").get_data(as_text=True)
    assert last.count('id="latest"') == 1 and "Next →" not in last


def test_page_past_the_end_redirects_to_the_last_page(app, client, alice):
    thread = make_thread(alice, replies=24)  # 2 pages
    response = client.get(f"/t/{thread.id}?page=9")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/t/{thread.id}?page=2"
    short = make_thread(alice, title="A short one")
    assert client.get(f"/t/{short.id}?page=2").headers["Location"] == f"/t/{short.id}"
    category = make_category()
    assert client.get(f"/c/{category.slug}?page=7").headers["Location"] == \
        f"/c/{category.slug}"
    assert client.get(f"/t/{thread.id}?page=0").status_code == 404


def test_posts_are_numbered_with_exact_dates_on_hover(app, client, alice):
    thread = make_thread(alice, replies=2)
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert [int(n) for n in re.findall(r'class="post-number">#(\d+)<', page)] == [1, 2, 3]
    assert len(re.findall(r'<time datetime="[^"]+" title="\d{1,2} \w+ \d{4}, \d\d:\d\d UTC">',
                          page)) == 3


def test_lists_link_to_a_threads_last_page(app, client, alice):
    thread = make_thread(alice, replies=45)  # 3 pages
    for url in ("/", f"/c/{thread.category.slug}"):
        page = client.get(url).get_data(as_text=True)
        assert f'href="/t/{thread.id}?page=3#latest">last page (3)</a>' in page


def test_a_locked_thread_shows_the_moderators_reason(app, client, alice, mia):
    thread = make_thread(alice)
    sanctions.lock_thread(mia, thread, reason="This has run its course; please start anew.")
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "This thread is locked" in page
    assert "This has run its course; please start anew." in page
    sanctions.unlock_thread(mia, thread, reason="Reopened.")
    assert "run its course" not in client.get(f"/t/{thread.id}").get_data(as_text=True)


def test_post_actions_are_separated_for_text_browsers(app, login, alice, bob):
    thread = make_thread(alice, replies=1)
    page = login(alice).get(f"/t/{thread.id}").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", "", page)
    assert "QuoteEdit" not in text and "EditDelete" not in text
    assert "Quote | Edit | Delete" in re.sub(r"\s+", " ", text)


def test_moderator_tools_are_folded_until_opened(app, login, alice, mia):
    thread = make_thread(alice)
    page = login(mia).get(f"/t/{thread.id}").get_data(as_text=True)
    assert '<details class="thread-tools">' in page
    assert "<summary>Hide…</summary>" in page


def test_every_page_has_a_description_and_marks_where_you_are(app, login, alice):
    thread = make_thread(alice)
    client = login(alice)
    for url in ("/", "/help", f"/t/{thread.id}", f"/c/{thread.category.slug}", "/modlog",
                "/notifications", "/messages"):
        page = client.get(url).get_data(as_text=True)
        assert re.search(r'<meta name="description" content="[^"]{20,}">', page), url
    assert '<a href="/" aria-current="page">Home</a>' in client.get("/").get_data(as_text=True)
    assert 'href="/help" aria-current="page">Help</a>' in client.get(
        "/help").get_data(as_text=True)
    assert 'aria-current="page"' not in client.get(f"/t/{thread.id}").get_data(
        as_text=True).split("</nav>")[0]


def test_home_page_opens_with_a_welcome(app, client):
    page = client.get("/").get_data(as_text=True)
    welcome = page[page.index('class="intro welcome"'):page.index("</section>")]
    assert "How it works" in welcome and "Say hello" in welcome and "Need help now?" in welcome


def test_log_rows_read_as_words(app, login, alice, mia):
    thread = make_thread(alice, replies=1)
    reply = db.session.query(Post).filter_by(thread_id=thread.id, position=2).one()
    moderation.hide_post(mia, reply, reason="Off topic")
    page = login(mia).get("/mod/log").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", "", page)
    assert f"post #{reply.id} by alice" in text


def test_queue_and_member_page_count_the_same_posts(app, login, alice, mia):
    newbie = make_user("newbie", new=True)
    thread = make_thread(alice)
    moderation.approve_post(mia, make_post(newbie, thread))
    make_post(newbie, thread)  # approved once: straight out
    # One more waiting: a link from an account under a day old.
    assert make_post(newbie, thread, body="See https://example.org").status == "pending"
    queue = login(mia).get("/mod/queue").get_data(as_text=True)
    member = login(mia).get(f"/mod/users/{newbie.id}").get_data(as_text=True)
    assert "2 published posts" in queue and "2 published posts" in member


def test_public_log_intro_is_honest_about_what_it_leaves_out(app, client):
    page = client.get("/modlog").get_data(as_text=True)
    assert "Every action our moderators take" not in page
    assert "Routine approvals" in page


def test_help_groups_helplines_by_country_and_seed_covers_them(app, client):
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0
    page = client.get("/help").get_data(as_text=True)
    countries = re.findall(r'<h3 id="country-[^"]+">([^<]+)</h3>', page)
    for country in ("United Kingdom", "Ireland", "United States", "Canada", "Australia",
                    "New Zealand", "France", "Germany", "Spain"):
        assert country in countries
    assert countries == sorted(countries)
    # Seeding again adds nothing.
    assert "Nothing to add." in app.test_cli_runner().invoke(args=["seed"]).output


def test_admins_keep_helplines_from_the_command_line(app, client):
    runner = app.test_cli_runner()
    added = runner.invoke(args=["helplines", "add", "--country", "Portugal", "--title",
                                "SOS Voz Amiga", "--phone", "213 544 545",
                                "--summary", "Every day, 15:30 to 00:30."])
    assert added.exit_code == 0, added.output
    helpline_id = int(re.search(r"Added helpline (\d+)", added.output).group(1))
    assert "SOS Voz Amiga" in runner.invoke(args=["helplines", "list"]).output
    page = client.get("/help").get_data(as_text=True)
    assert 'id="country-portugal">Portugal' in page and 'href="tel:213544545"' in page
    bad = runner.invoke(args=["helplines", "add", "--country", "X", "--title", "No"])
    assert bad.exit_code == 1 and "title" in bad.output
    removed = runner.invoke(args=["helplines", "remove", str(helpline_id)])
    assert removed.exit_code == 0
    assert "SOS Voz Amiga" not in client.get("/help").get_data(as_text=True)
    assert runner.invoke(args=["helplines", "remove", "999999"]).exit_code == 1


def test_the_profession_select_starts_at_choose_and_is_required(app, login, alice):
    client = login(alice)
    page = client.get("/settings/verification").get_data(as_text=True)
    select = page[page.index("<select"):page.index("</select>")]
    assert "required" in select.split(">")[0]
    # "Choose…" comes first and nothing is selected: no profession is chosen for them.
    assert select.split(">", 1)[1].startswith('<option value="">Choose…</option>')
    assert "selected" not in select
    response = client.post("/settings/verification", data={
        "profession": "", "register_url": "https://register.example/1"})
    assert response.status_code == 422
    assert "Choose your profession." in response.get_data(as_text=True)
