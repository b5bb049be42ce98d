"""Issue #10 end to end: fixing what a moderator sent back, crisis follow-through with a
private conversation, reading a long thread, and previewing a post.

Each journey has its own members and threads (unique names); each person has their own
browser context. Pages they land on are checked with axe on the way.
"""
import re

import pytest
from playwright.sync_api import expect

from .helpers import log_in, screenshots
from .test_accessibility import AXE_OPTIONS, COLOUR_RULES, check

pytestmark = pytest.mark.browser


def _article(page, text):
    return page.locator("article.post").filter(has_text=text)


def _logged_in(new_context, live_server, prefix, **options):
    name, password = live_server.make_member(prefix, **options)
    page = new_context().new_page()
    log_in(page, name, password)
    return name, page


def _accessible(page, label: str) -> None:
    """axe, light and dark, on a page the journey landed on."""
    report = check(page, label, AXE_OPTIONS)
    page.emulate_media(color_scheme="dark")
    report += check(page, f"{label}, dark", COLOUR_RULES)
    page.emulate_media(color_scheme="light")
    assert not report, "WCAG 2.1 A/AA failures on " + report


def _queue_item(page, title):
    return page.locator("article.queue-item").filter(has_text=title)


def test_a_rejected_post_is_fixed_and_resubmitted(new_context, live_server, artifacts):
    newbie, author = _logged_in(new_context, live_server, "Fixer", new=True)
    _, mod = _logged_in(new_context, live_server, "Mod", role="moderator")
    title = live_server.unique("My first thread ")
    author.goto("/c/experiences/new")
    # Said before writing: a first post is read by a moderator.
    expect(author.locator(".review-notice")).to_contain_text("first posts")
    author.get_by_label("Title").fill(title)
    author.get_by_label("Your post").fill("Call me on 07700 900123 to talk.")
    author.get_by_role("button", name="Post").click()
    expect(author.locator(".status-note")).to_have_count(1)  # explained once
    expect(author.get_by_text("This thread is waiting for a moderator")).to_have_count(0)

    mod.goto("/mod/queue")
    item = _queue_item(mod, title)
    item.locator("summary", has_text="Reject…").click()
    item.get_by_label("Reason to reject").fill("Please take the phone number out.")
    item.get_by_role("button", name="Reject").click()
    expect(mod.get_by_text("Post rejected.")).to_be_visible()

    author.reload()
    post = _article(author, "07700 900123")
    expect(post.locator(".status-note")).to_contain_text("Please take the phone number out.")
    post.get_by_role("link", name="Edit and resubmit").click()
    expect(author.get_by_role("heading", level=1)).to_have_text("Edit and resubmit your post")
    _accessible(author, "step 1")
    author.get_by_label("Your post").fill("Message me here instead; no numbers.")
    author.get_by_role("button", name="Resubmit").click()
    expect(author.get_by_text("Sent back for review.")).to_be_visible()
    expect(_article(author, "Message me here instead").locator(".status-note")).to_contain_text(
        "You sent this back for review")

    mod.goto("/mod/queue")
    item = _queue_item(mod, title)
    expect(item).to_contain_text("Resubmission")
    item.get_by_role("link", name="Compare with the earlier version").click()
    expect(mod.locator(".revision-body")).to_contain_text("07700 900123")
    _accessible(mod, "step 2")
    mod.goto("/mod/queue")
    _queue_item(mod, title).get_by_role("button", name="Approve").click()
    expect(mod.get_by_text("Post approved.")).to_be_visible()

    reader = new_context().new_page()
    reader.goto(author.url.split("#")[0])
    expect(reader.get_by_text("Message me here instead")).to_be_visible()
    expect(reader.locator("a.edited")).to_have_count(0)  # readers see only "edited"
    expect(reader.locator(".edited")).to_contain_text("edited")


def test_crisis_follow_through_and_a_private_conversation(new_context, live_server,
                                                          artifacts):
    name, member = _logged_in(new_context, live_server, "Struggling")
    _, mod = _logged_in(new_context, live_server, "Carer", role="moderator")
    _, other = _logged_in(new_context, live_server, "Friend")
    title = live_server.unique("A long night ")
    member.goto("/c/experiences/new")
    member.get_by_label("Title").fill(title)
    member.get_by_label("Your post").fill("Some nights I want to die, honestly.")
    member.get_by_role("button", name="Post").click()
    thread_url = member.url.split("#")[0]
    # Every visit, not only the first.
    for _ in range(2):
        member.goto(thread_url)
        box = member.locator(".crisis-box")
        expect(box).to_contain_text("a moderator has been alerted")
        expect(box.locator(".helplines-country").first).to_be_visible()
    _accessible(member, "step 3")
    other.goto(thread_url)
    worried = other.locator(".worried-box")
    worried.locator("summary").click()
    expect(worried).to_contain_text("Someone may be at risk")
    _accessible(other, "step 4")

    mod.goto("/mod/queue")
    item = _queue_item(mod, title)
    expect(item).to_contain_text("Someone may be at risk")
    item.get_by_role("link", name=f"Write to {name} privately").click()
    expect(mod.get_by_label("Your message")).to_contain_text(f"Hello {name}")
    _accessible(mod, "step 5")
    mod.get_by_role("button", name="Send").click()
    expect(mod.get_by_text(f"Message sent. {name} has been notified.")).to_be_visible()
    conversation_url = mod.url

    member.goto("/notifications")
    expect(member.get_by_text("The moderators wrote to you privately")).to_be_visible()
    member.get_by_role("link", name="Read and answer").first.click()
    member.get_by_role("link", name="Checking in with you").click()
    member.get_by_label("Your message").fill("Thank you. A bit better today.")
    member.get_by_role("button", name="Send").click()
    expect(member.locator(".messages")).to_contain_text("A bit better today.")
    _accessible(member, "step 6")
    screenshots(member, artifacts, "issue10-conversation-member")
    # Nobody else reads it.
    assert other.goto(conversation_url).status == 404

    mod.goto("/mod/queue")
    item = _queue_item(mod, title)
    item.locator("summary", has_text="Reached out…").click()
    item.get_by_label("What you did").fill("Wrote to them; they answered.")
    item.get_by_role("button", name="Reached out").click()
    item = _queue_item(mod, title)
    expect(item).to_contain_text("Wrote to them; they answered.")
    item.locator("summary", has_text="Handled…").click()
    item.get_by_label("Outcome").fill("Safe; seeing their GP tomorrow.")
    item.get_by_role("button", name="Handled").click()
    expect(_queue_item(mod, title)).to_have_count(0)


def test_reading_a_long_thread_and_previewing_a_reply(new_context, live_server, artifacts):
    name, page = _logged_in(new_context, live_server, "Reader")
    thread_id = live_server.make_thread(name, replies=64)  # 65 posts: four pages
    page.goto(f"/t/{thread_id}?page=99")
    expect(page).to_have_url(re.compile(rf"/t/{thread_id}\?page=4$"))
    pager = page.get_by_role("navigation", name="Pages, above the posts")
    expect(pager).to_contain_text("Page 4 of 4")
    pager.get_by_role("link", name="Page 1", exact=True).click()
    expect(page.locator("article.post").first.locator(".post-number")).to_have_text("#1")
    pager = page.get_by_role("navigation", name="Pages, above the posts")
    pager.get_by_role("link", name="Next →").click()
    expect(page.locator("article.post").first.locator(".post-number")).to_have_text("#21")
    page.get_by_role("link", name="Latest post").first.click()
    expect(page).to_have_url(re.compile(r"page=4#latest$"))
    time = page.locator("article.post time").first
    assert re.fullmatch(r"\d{1,2} \w+ \d{4}, \d\d:\d\d UTC", time.get_attribute("title"))

    page.get_by_label("Your reply").fill("Same here: *slowly* works.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".preview em")).to_have_text("slowly")
    expect(page.get_by_label("Your reply")).to_have_value("Same here: *slowly* works.")
    _accessible(page, "step 7")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(_article(page, "Same here: slowly works.")).to_be_visible()
