"""Finding and following conversations in a real browser: searching from the header,
hearing about a reply, the unread mark and its jump, "This helped". Each test has its own
members and words, so the tests run in any order."""
import re

import pytest
from playwright.sync_api import expect

from .helpers import log_in
from .test_accessibility import AXE_OPTIONS, check

pytestmark = pytest.mark.browser


def _logged_in(new_context, live_server, prefix):
    name, password = live_server.make_member(prefix)
    page = new_context().new_page()
    log_in(page, name, password)
    return name, page


def _no_wcag_violations(page, label: str) -> None:
    report = check(page, label, AXE_OPTIONS)
    assert not report, "WCAG 2.1 A/AA failures on " + report


def test_a_reader_searches_from_the_header_and_opens_a_result(page, live_server):
    author, _ = live_server.make_member("searcher")
    live_server.make_thread(author, title="Muscle weakness at ninety milligrams",
                            body="Quadriceps felt like *jelly* for a week.")
    page.goto("/")
    header = page.locator("header")
    header.get_by_label("Search the forum").fill("quadriceps jelly")
    header.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search\?q=quadriceps"))
    results = page.get_by_role("region", name=re.compile("Results"))
    expect(results.locator("mark").first).to_have_text(re.compile("quadriceps", re.IGNORECASE))
    _no_wcag_violations(page, "search results")
    results.get_by_role("link", name="Muscle weakness at ninety milligrams").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Muscle weakness at ninety milligrams")
    # odd input: an error page never
    page.goto('/search?q=%22((%2A-NEAR')
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")


def test_a_member_hears_about_a_reply_and_jumps_to_the_first_unread(new_context, live_server):
    asker, asker_page = _logged_in(new_context, live_server, "asker")
    thread_id = live_server.make_thread(asker, title="Does anyone sleep badly at first?")
    answerer, answer_page = _logged_in(new_context, live_server, "answerer")
    answer_page.goto(f"/t/{thread_id}")
    answer_page.get_by_label("Your reply").fill("Yes, the first two weeks were rough.")
    answer_page.get_by_role("button", name="Reply").click()

    asker_page.goto("/")
    nav = asker_page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=re.compile("Notifications 1 unread"))).to_be_visible()
    nav.get_by_role("link", name=re.compile("Notifications")).click()
    _no_wcag_violations(asker_page, "notifications")
    item = asker_page.locator("ul.notifications li").first
    expect(item).to_contain_text(f"{answerer} replied in")
    item.get_by_role("button", name=re.compile("^Open")).click()
    expect(asker_page.locator("article").last).to_contain_text("first two weeks")
    expect(nav.get_by_role("link", name="Notifications", exact=True)).to_be_visible()

    # The category marks a thread with posts not yet read; its link jumps to the first.
    answer_page.goto(f"/t/{thread_id}")
    answer_page.get_by_label("Your reply").fill("It settled after that, too.")
    answer_page.get_by_role("button", name="Reply").click()
    asker_page.goto("/c/experiences")
    jump = asker_page.get_by_role("link", name=re.compile(r"^1 unread in Does anyone"))
    expect(jump).to_be_visible()
    _no_wcag_violations(asker_page, "category with unread marks")
    jump.click()
    expect(asker_page).to_have_url(re.compile(r"#p\d+$"))
    anchor = asker_page.url.rsplit("#", 1)[1]
    expect(asker_page.locator(f"article#{anchor}")).to_contain_text("settled after that")


def test_watch_mute_and_this_helped(new_context, live_server):
    author, _ = live_server.make_member("helpedauthor")
    thread_id = live_server.make_thread(author, title="What helped me with cravings")
    reader, page = _logged_in(new_context, live_server, "grateful")
    page.goto(f"/t/{thread_id}")
    page.get_by_role("button", name="Watch", exact=True).click()
    expect(page.get_by_text("You are watching this thread.")).to_be_visible()
    page.get_by_role("button", name="Mute").click()
    expect(page.get_by_text("This thread is muted.")).to_be_visible()
    article = page.locator("article").first
    article.get_by_role("button", name="This helped").click()
    article = page.locator("article").first
    expect(article.get_by_role("button", name=re.compile("This helped"))).to_have_attribute(
        "aria-pressed", "true")
    expect(article.get_by_role("link", name="1 found this helpful")).to_be_visible()
    _no_wcag_violations(page, "thread with this helped")
    article.get_by_role("link", name="1 found this helpful").click()
    expect(page.locator("main").get_by_role("link", name=reader)).to_be_visible()
