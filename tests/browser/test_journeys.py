"""What people do on the forum, end to end, in a real browser against a real server.

Each test is one journey with its own members and threads. A feature that changes what
people do adds its journey here.
"""
import re

import pytest
from playwright.sync_api import expect

from forum.models import Role

from .helpers import log_in
from .pages import SESSION_EXPIRED_TEXT

pytestmark = pytest.mark.browser

MARKDOWN_POST = """Six weeks in, and **the cravings are quieter**.

What helped:

- going up slowly
- a GP who listened

I read [the Bacloville trial](https://example.org/bacloville) first."""


def _article(page, text):
    return page.locator("article.post").filter(has_text=text)


def test_newcomer_registers_posts_markdown_replies_quotes_and_edits(page, new_context,
                                                                    live_server):
    newcomer = live_server.unique("Newcomer")
    title = f"My first weeks on baclofen {newcomer}"
    page.goto("/")
    page.get_by_role("link", name="Register").click()
    page.get_by_label("Username").fill(newcomer)
    page.get_by_label("E-mail").fill(f"{newcomer.lower()}@example.org")
    page.get_by_label("Password").fill("a long and private passphrase")
    page.get_by_label("I consent").check()
    page.get_by_label("I have read and accept").check()
    page.get_by_role("button", name="Register").click()
    # Development: the "check your e-mail" page shows the link (issue #11).
    page.get_by_role("link", name="/verify/").click()
    page.get_by_role("button", name="Confirm").click()
    log_in(page, newcomer, "a long and private passphrase")

    page.get_by_role("link", name="Experiences with baclofen").first.click()
    page.get_by_role("link", name="New thread").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Your post").fill(MARKDOWN_POST)
    page.get_by_role("button", name="Post").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    opening = page.locator("article.post").first
    body = opening.locator(".post-body")
    expect(body.locator("strong")).to_have_text("the cravings are quieter")
    expect(body.locator("ul > li")).to_have_text(["going up slowly", "a GP who listened"])
    link = body.get_by_role("link", name="the Bacloville trial")
    expect(link).to_have_attribute("href", "https://example.org/bacloville")
    expect(link).to_have_attribute("rel", "nofollow noopener noreferrer ugc")
    # A new member's first post waits for a moderator; its author sees it, and says so.
    expect(page.get_by_text("waiting for a moderator").first).to_be_visible()
    thread_url = page.url.split("#")[0]

    # Nobody else sees it yet.
    stranger = new_context().new_page()
    assert stranger.goto(thread_url).status == 404

    # A moderator approves it from the queue.
    moderator, password = live_server.make_member("Moderator", role=Role.MODERATOR)
    mod_page = new_context().new_page()
    log_in(mod_page, moderator, password)
    mod_page.goto("/mod/queue")
    mod_page.locator("article").filter(has_text=title).get_by_role(
        "button", name="Approve").click()
    expect(mod_page.get_by_text("Post approved.")).to_be_visible()
    assert stranger.goto(thread_url).status == 200

    # A second member answers; the newcomer replies, quoting them, and edits the reply.
    helper, helper_password = live_server.make_member("Helper")
    helper_page = new_context().new_page()
    log_in(helper_page, helper, helper_password)
    helper_page.goto(thread_url)
    helper_page.get_by_label("Your reply").fill("Welcome! Going slowly helped me too.")
    helper_page.get_by_role("button", name="Reply").click()
    expect(_article(helper_page, "Going slowly helped me too")).to_be_visible()

    page.goto(thread_url)
    page.get_by_label("Your reply").fill("Thank you, everyone, for reading.")
    page.get_by_role("button", name="Reply").click()
    expect(_article(page, "Thank you, everyone, for reading.")).to_be_visible()
    assert re.search(r"#p\d+$", page.url), "a reply lands on its own anchor"

    _article(page, "Going slowly helped me too").get_by_role("link", name="Quote").click()
    reply_box = page.get_by_label("Your reply")
    expect(reply_box).to_have_value(re.compile(
        rf"^\[{helper} wrote\]\(/p/\d+\):\n> Welcome! Going slowly helped me too\.\n\n$"))
    reply_box.press("Control+End")
    reply_box.press_sequentially("It did. Day 50 today.")
    page.get_by_role("button", name="Reply").click()
    quoting = _article(page, "Day 50 today.")
    expect(quoting.locator("blockquote")).to_have_text("Welcome! Going slowly helped me too.")
    expect(quoting.get_by_role("link", name=f"{helper} wrote")).to_be_visible()

    quoting.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your post")
    page.get_by_label("Your post").fill(page.get_by_label("Your post").input_value()
                                        .replace("Day 50", "Day 51"))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your post is updated.")).to_be_visible()
    edited = _article(page, "Day 51 today.")
    expect(edited.locator(".edited")).to_contain_text("edited")
    expect(_article(page, "Thank you, everyone, for reading.").locator(".edited")).to_have_count(0)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def test_second_member_replies_and_the_author_sees_it(new_context, live_server):
    author, author_password = live_server.make_member("Author")
    replier, replier_password = live_server.make_member("Replier")
    title = f"Evenings are the hardest {live_server.unique('')}"
    thread_id = live_server.make_thread(author, title=title, body="Any tips for evenings?")

    author_page = new_context().new_page()
    log_in(author_page, author, author_password)
    author_page.goto(f"/t/{thread_id}")
    expect(author_page.locator("article.post")).to_have_count(1)

    replier_page = new_context().new_page()
    log_in(replier_page, replier, replier_password)
    replier_page.get_by_role("link", name=title).click()  # from "Latest threads"
    replier_page.get_by_label("Your reply").fill("A walk after dinner, every day.")
    replier_page.get_by_role("button", name="Reply").click()
    reply = _article(replier_page, "A walk after dinner")
    expect(reply.locator(".author")).to_have_text(replier)
    expect(reply.get_by_role("link", name="Edit")).to_be_visible()  # their own

    author_page.reload()
    expect(author_page.locator("article.post")).to_have_count(2)
    seen = _article(author_page, "A walk after dinner")
    expect(seen.get_by_role("link", name=replier)).to_be_visible()
    # Someone else's post: quote or flag it, never edit or delete it.
    expect(seen.get_by_role("link", name="Quote")).to_be_visible()
    expect(seen.get_by_role("link", name="Edit")).to_have_count(0)
    expect(seen.get_by_role("link", name="Delete")).to_have_count(0)
    author_page.goto("/")
    latest = author_page.locator(".thread-list li").filter(has_text=title)
    expect(latest).to_contain_text(f"1 reply · last post just now by {replier}")


def test_anonymous_reader_browses_and_pages_through(page, live_server):
    writer, password = live_server.make_member("Writer")
    category = live_server.make_category("busy")
    for n in range(31):  # THREADS_PER_PAGE is 30
        live_server.make_thread(writer, title=f"Short thread {n:02d}", category_slug=category)
    long_title = f"A long conversation {live_server.unique('')}"
    thread_id = live_server.make_thread(writer, title=long_title, replies=44,
                                        category_slug=category)  # 45 posts, 3 pages

    page.goto("/")
    page.get_by_role("link", name=f"Category {category}").click()
    expect(page.locator(".thread-list li")).to_have_count(30)
    expect(page.get_by_role("link", name="Log in to start a thread")).to_be_visible()
    pager = page.get_by_role("navigation", name="Pages").first
    expect(pager).to_contain_text("Page 1 of 2")
    pager.get_by_role("link", name="Next →").click()
    expect(page).to_have_url(re.compile(r"\?page=2$"))
    expect(page.locator(".thread-list li")).to_have_count(2)
    page.get_by_role("link", name="← Previous").first.click()

    page.get_by_role("link", name=long_title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(long_title)
    expect(page.locator("article.post")).to_have_count(20)
    expect(page.get_by_role("navigation", name="Pages").first).to_contain_text("Page 1 of 3")
    page.get_by_role("link", name="Next →").first.click()
    expect(page.locator("article.post").first).to_contain_text("Reply number 20.")
    page.get_by_role("link", name="Next →").first.click()
    expect(page.locator("article.post")).to_have_count(5)
    expect(page.get_by_role("link", name="Next →")).to_have_count(0)

    # Readers read; they do not get the reply form or the post actions.
    expect(page.get_by_label("Your reply")).to_have_count(0)
    for action in ("Quote", "Edit", "Delete", "Flag"):
        expect(page.get_by_role("link", name=action, exact=True)).to_have_count(0)

    # A permalink finds its page and anchor.
    last = page.locator("article.post").last
    post_id = last.get_attribute("id")[1:]
    page.goto(f"/p/{post_id}")
    expect(page).to_have_url(re.compile(rf"/t/{thread_id}\?page=3#p{post_id}$"))

    # Logging in from a thread comes back to it, with the reply form.
    page.get_by_role("link", name="Log in to reply").click()
    page.get_by_label("Username").fill(writer)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(rf"/t/{thread_id}\?page=3"))
    expect(page.get_by_label("Your reply")).to_be_visible()


ERROR_PAGES = [
    ("/t/987654321", 404, "Page not found"),
    ("/no/such/page", 404, "Page not found"),
    ("/t/99999999999999999999999", 404, "Page not found"),  # beyond any integer column
    ("/c/experiences?page=0", 404, "Page not found"),  # past the end redirects instead
    ("/logout", 405, "That doesn't work here"),
    ("/__test__/error", 500, "Something went wrong on our side"),
]


def test_error_pages_explain_and_lead_home(page, live_server):
    for path, status, heading in ERROR_PAGES:
        response = page.goto(path)
        assert response.status == status, path
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_text(f"Error {status}.")).to_be_visible()
        expect(page.get_by_role("link", name="Need help now?").first).to_be_visible()
    page.get_by_role("link", name="Go to the home page").click()
    expect(page.get_by_role("heading", name="Categories")).to_be_visible()

    # 403: someone else's post cannot be edited.
    owner, _ = live_server.make_member("Owner")
    thread_id = live_server.make_thread(owner, body="Mine to edit.")
    other, password = live_server.make_member("Other")
    log_in(page, other, password)
    page.goto(f"/t/{thread_id}")
    post_id = page.locator("article.post").first.get_attribute("id")[1:]
    response = page.goto(f"/p/{post_id}/edit")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You can't do that here")


def test_reply_after_the_session_expired_keeps_the_text(page, live_server):
    member, password = live_server.make_member("Sleepy")
    thread_id = live_server.make_thread(member, body="How is everyone doing?")
    log_in(page, member, password)
    page.goto(f"/t/{thread_id}")
    page.get_by_label("Your reply").fill(SESSION_EXPIRED_TEXT)

    page.context.clear_cookies()  # the session ran out while they were writing
    page.get_by_role("button", name="Reply").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your text is safe")
    expect(page.get_by_text("Nothing you wrote is lost")).to_be_visible()
    expect(page.get_by_label("Your text (kept safe; you can also copy it now)")
           ).to_have_value(SESSION_EXPIRED_TEXT)
    page.get_by_label("Username").fill(member)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ready to post")
    expect(page.get_by_label("Your post")).to_have_value(SESSION_EXPIRED_TEXT)
    page.get_by_role("button", name="Reply").click()

    expect(page).to_have_url(re.compile(rf"/t/{thread_id}#p\d+$"))
    expect(_article(page, SESSION_EXPIRED_TEXT)).to_have_count(1)
    expect(page.locator("article.post")).to_have_count(2)


def test_pages_never_reach_beyond_this_machine(page, context, site):
    """The guard every test relies on: it blocks, and records, any remote request."""
    page.goto(f"/t/{site.thread_id}")  # a post with an external link and an image
    expect(page.get_by_role("link", name="Bacloville trial").first).to_be_visible()
    expect(page.get_by_role("link", name="doses over twelve weeks").first).to_be_visible()
    assert context.watch.remote_requests == [], "a page asked for a remote resource"

    with pytest.raises(Exception, match="ERR_BLOCKED_BY_CLIENT"):
        page.goto("https://example.org/")
    assert context.watch.remote_requests == ["https://example.org/"]
    context.watch.remote_requests.clear()  # seen and expected: don't fail the test for it
