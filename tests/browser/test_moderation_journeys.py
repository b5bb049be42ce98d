"""Moderation, flagging, professional verification and safety signposting, end to end.

Each test is one journey in a real browser against the live server, with its own members
and threads (unique names), so the tests run in any order. Every person has their own
browser context: a member, a second member, a moderator and an anonymous reader look at
the same thread side by side, as they would on four different computers.

Pages these journeys land on that the page-type list (pages.py) does not reach, such as
the crisis alert after posting or a queue holding an application, are checked with axe
on the way.
"""
import re

import pytest
from playwright.sync_api import expect

from forum.extensions import db
from forum.models import Role, Thread, User
from forum.threads import services

from .helpers import log_in
from .test_accessibility import AXE_OPTIONS, check

pytestmark = pytest.mark.browser


# ---- helpers ---------------------------------------------------------------------------

def _article(page, text):
    return page.locator("article.post").filter(has_text=text)


def _logged_in(new_context, live_server, prefix, **options):
    """A member (or `role=...`) made through the factories, logged in in a context of
    their own: (name, page)."""
    name, password = live_server.make_member(prefix, **options)
    page = new_context().new_page()
    log_in(page, name, password)
    return name, page


def _anonymous(new_context):
    return new_context().new_page()


def _reply_as(live_server, author: str, thread_id: int, body: str) -> None:
    """A reply written through the services (set-up, not the point of the journey)."""
    with live_server.app.app_context():
        user = db.session.query(User).filter_by(username=author).one()
        services.reply(user, db.session.get(Thread, thread_id), body=body)


def _start_thread(page, title: str, body: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Experiences with baclofen").first.click()
    page.get_by_role("link", name="New thread").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Your post").fill(body)
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def _open_notifications(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Notifications")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")


def _queue_item(page, text):
    return page.locator("article.queue-item").filter(has_text=text)


def _log_row(page, text):
    return page.locator("table.log tbody tr").filter(has_text=text)


def _no_wcag_violations(page, label: str) -> None:
    report = check(page, label, AXE_OPTIONS)
    assert not report, "WCAG 2.1 A/AA failures on " + report


# ---- journeys --------------------------------------------------------------------------

def test_moderator_approves_rejects_hides_suspends_and_the_logs_keep_the_reasons(
        page, new_context, live_server):
    tag = live_server.unique("")
    first_text = f"Day five on baclofen. Sleeping better, still anxious in the evenings. {tag}"
    second_text = f"Thank you for letting me in. Evenings are easier this week. {tag}"
    rejected_text = f"Cheap pills without a prescription, message me privately {tag}"
    reject_reason = f"Selling medicines is not allowed here ({tag})."
    hide_reason = f"Hidden while we check a detail with the author ({tag})."
    suspend_reason = f"Repeated attempts to sell medicines ({tag})."

    # A newcomer registers and starts a thread: a first post waits for a moderator.
    newcomer = live_server.unique("Newcomer")
    title = f"Hello from a newcomer {tag}"
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
    _start_thread(page, title, first_text)
    expect(page.get_by_text("A moderator reads new members' first posts")).to_be_visible()
    expect(page.locator("article.post").first.locator(".status-note")).to_contain_text(
        "Waiting for a moderator")
    thread_url = page.url.split("#")[0]
    _no_wcag_violations(page, "a held thread, seen by its author")

    reader = _anonymous(new_context)
    assert reader.goto(thread_url).status == 404

    # A second new member's first thread is held too; it will not be approved.
    seller, seller_page = _logged_in(new_context, live_server, "Seller", new=True)
    seller_title = f"Where to buy {tag}"
    _start_thread(seller_page, seller_title, rejected_text)
    expect(seller_page.get_by_text("A moderator reads new members' first posts")
           ).to_be_visible()
    seller_thread_url = seller_page.url.split("#")[0]

    # A moderator sees how much is waiting, and approves the newcomer's thread.
    _, mod = _logged_in(new_context, live_server, "Moderator", role=Role.MODERATOR)
    queue_link = mod.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Queue \d+ waiting$"))
    expect(queue_link).to_be_visible()
    assert int(re.search(r"\d+", queue_link.inner_text()).group()) >= 2
    queue_link.click()
    expect(mod.get_by_role("heading", level=1)).to_have_text("Review queue")
    held = _queue_item(mod, title)
    expect(held.get_by_role("heading")).to_contain_text("Waiting for approval")
    expect(held).to_contain_text(f"By {newcomer}, joined")
    expect(held.locator(".post-body")).to_have_text(first_text)
    held.get_by_role("button", name="Approve").click()
    expect(mod.get_by_text("Post approved.", exact=True)).to_be_visible()
    expect(_queue_item(mod, title)).to_have_count(0)

    assert reader.goto(thread_url).status == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text(title)
    expect(_article(reader, first_text)).to_be_visible()
    first_post_id = _article(reader, first_text).get_attribute("id")[1:]

    _open_notifications(page)
    expect(page.locator("ul.notifications li").first).to_contain_text(
        "A moderator approved your post. Everyone can see it now.")

    # With one post approved, the newcomer's next post goes up at once.
    page.goto(thread_url)
    expect(page.locator(".status-note")).to_have_count(0)
    page.get_by_label("Your reply").fill(second_text)
    page.get_by_role("button", name="Reply").click()
    expect(_article(page, second_text)).to_be_visible()
    expect(_article(page, second_text).locator(".status-note")).to_have_count(0)
    expect(page.get_by_text("waiting for a moderator")).to_have_count(0)
    reader.reload()
    expect(_article(reader, second_text)).to_be_visible()

    # The moderator rejects the seller's thread, with a reason.
    mod.reload()
    held = _queue_item(mod, seller_title)
    held.locator("summary", has_text="Reject…").click()  # reason boxes start folded
    held.get_by_label("Reason to reject").fill(reject_reason)
    held.get_by_role("button", name="Reject").click()
    expect(mod.get_by_text("Post rejected. The author has been told why.")).to_be_visible()
    expect(_queue_item(mod, seller_title)).to_have_count(0)

    seller_page.goto(seller_thread_url)
    rejected = _article(seller_page, rejected_text)
    expect(rejected.locator(".status-note")).to_contain_text("Not approved by a moderator")
    # The reason is on the post itself, for its author.
    expect(rejected.locator(".status-note")).to_contain_text(reject_reason)
    _open_notifications(seller_page)
    note = seller_page.locator("ul.notifications li").first
    expect(note).to_contain_text("A moderator did not approve your post.")
    expect(note.locator(".reason")).to_have_text(f"Reason given: “{reject_reason}”")
    assert reader.goto(seller_thread_url).status == 404

    # The moderator hides the newcomer's published reply from the thread page.
    mod.goto(thread_url)
    reply = _article(mod, second_text)
    reply_id = reply.get_attribute("id")[1:]
    reply.locator("summary", has_text="Moderate").click()
    reply.locator("summary", has_text="Hide…").click()
    reply.get_by_label("Reason to hide").fill(hide_reason)
    reply.get_by_role("button", name="Hide").click()
    expect(mod.get_by_text("Post hidden. The author has been told why.")).to_be_visible()
    expect(_article(mod, second_text).locator(".status-note")).to_contain_text(
        "A moderator hid this post")
    reader.goto(thread_url)
    expect(_article(reader, first_text)).to_be_visible()
    expect(_article(reader, second_text)).to_have_count(0)

    # ... and suspends the seller, from their moderation page.
    mod.goto(seller_thread_url)
    post = _article(mod, rejected_text)
    post.locator("summary", has_text="Moderate").click()
    post.get_by_role("link", name="Member history").click()
    expect(mod).to_have_url(re.compile(r"/mod/users/\d+$"))
    expect(mod.get_by_role("heading", level=1)).to_have_text(seller)
    suspend = mod.locator("form").filter(has=mod.get_by_role("button", name="Suspend"))
    suspend.get_by_label("Days").fill("7")
    suspend.get_by_label("Reason").fill(suspend_reason)
    suspend.get_by_role("button", name="Suspend").click()
    expect(mod.get_by_text(f"{seller} is suspended.")).to_be_visible()
    expect(mod.locator("p.meta").first).to_contain_text("suspended until")
    expect(_log_row(mod, suspend_reason)).to_contain_text("suspended a member (7 days)")
    _no_wcag_violations(mod, "a suspended member's moderation page")

    # The seller's open session ends on their next page load, and they cannot log in.
    seller_page.reload()
    nav = seller_page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    expect(nav.get_by_role("link", name=seller)).to_have_count(0)
    seller_page.goto("/login")
    seller_page.get_by_label("Username").fill(seller)
    seller_page.get_by_label("Password").fill("correct horse battery staple")
    seller_page.get_by_role("button", name="Log in").click()
    expect(seller_page.get_by_role("alert")).to_contain_text(
        re.compile(r"This account is suspended until \d{1,2} \w+ \d{4}\."))
    expect(seller_page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Log in")).to_be_visible()

    # The public log shows every action and its reason, but none of the posts' text.
    mod.get_by_role("contentinfo").get_by_role("link", name="Moderation log").click()
    expect(mod).to_have_url(re.compile(r"/modlog$"))
    rejected_row = _log_row(mod, reject_reason)
    expect(rejected_row).to_contain_text("rejected a post")
    expect(rejected_row).to_contain_text("a post no longer visible")
    expect(_log_row(mod, hide_reason)).to_contain_text("hid a post")
    suspended_row = _log_row(mod, suspend_reason)
    expect(suspended_row).to_contain_text("suspended a member (7 days)")
    expect(suspended_row).to_contain_text(seller)
    main = mod.get_by_role("main")
    expect(main).not_to_contain_text(rejected_text)
    expect(main).not_to_contain_text(second_text)
    expect(main).not_to_contain_text(seller_title)
    expect(_log_row(mod, f"{tag}")).to_have_count(3)  # approvals are not in the public log

    # The full log has them too, with the approval and the posts they concern.
    mod.goto("/mod/log")
    expect(mod.get_by_role("heading", level=1)).to_have_text("Moderation log")
    expect(_log_row(mod, f"post #{first_post_id}")).to_contain_text("approved a post")
    expect(_log_row(mod, reject_reason)).to_contain_text("rejected a post")
    expect(_log_row(mod, hide_reason)).to_contain_text(f"post #{reply_id}")
    expect(_log_row(mod, suspend_reason)).to_contain_text(
        re.compile(r"suspended a member \(7 days\), until \d{1,2} \w+ \d{4}"))


def test_members_flag_a_post_until_it_is_hidden_and_a_moderator_dismisses_the_flags(
        new_context, live_server):
    tag = live_server.unique("")
    author, _ = live_server.make_member("Author")
    title = f"How did stopping go? {tag}"
    thread_id = live_server.make_thread(author, title=title,
                                        body="My GP wants me to taper. How did yours go?")
    risky = f"I stopped all at once and felt fine, no need to taper. {tag}"
    _reply_as(live_server, author, thread_id, risky)
    note = f"Stopping suddenly can cause seizures ({tag})."

    # A member flags the post as harmful, with a note for the moderators.
    flagger, flagging = _logged_in(new_context, live_server, "Careful")
    flagging.goto(f"/t/{thread_id}")
    _article(flagging, risky).get_by_role("link", name="Flag").click()
    expect(flagging.get_by_role("heading", level=1)).to_have_text(
        "Flag this post for a moderator")
    expect(flagging.locator("blockquote.post-body")).to_have_text(risky)
    flagging.get_by_label("Harmful or dangerous advice").check()
    flagging.get_by_label("Anything the moderators should know").fill(note)
    flagging.get_by_role("button", name="Flag").click()
    expect(flagging.get_by_text("Thank you. A moderator will look at this post.")
           ).to_be_visible()
    expect(flagging).to_have_url(re.compile(rf"/t/{thread_id}#p\d+$"))

    # The post now says so, without a second Flag link; the flag page itself, reached
    # anyway, refuses a second flag kindly.
    expect(_article(flagging, risky).get_by_text("You flagged this post.")).to_be_visible()
    expect(_article(flagging, risky).get_by_role("link", name="Flag")).to_have_count(0)
    post_id = _article(flagging, risky).get_attribute("id").removeprefix("p")
    flagging.goto(f"/p/{post_id}/flag")
    flagging.get_by_label("Misinformation").check()
    flagging.get_by_role("button", name="Flag").click()
    expect(flagging.get_by_text("You have already flagged this post.")).to_be_visible()

    # Their settings list the flag and where it stands.
    flagging.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    flagged = flagging.get_by_role("region", name="Posts you flagged")
    expect(flagged.get_by_role("listitem")).to_have_count(1)
    expect(flagged).to_contain_text("Harmful or dangerous advice")
    expect(flagged).to_contain_text("waiting for a moderator")
    _no_wcag_violations(flagging, "settings listing a flag")

    # Two more members flag it: three different members hide it until a moderator looks.
    for prefix, reason in (("Worried", "Misinformation"), ("Third", "Spam or advertising")):
        _, other = _logged_in(new_context, live_server, prefix)
        other.goto(f"/t/{thread_id}")
        _article(other, risky).get_by_role("link", name="Flag").click()
        other.get_by_label(reason).check()
        other.get_by_role("button", name="Flag").click()
        expect(other.get_by_text("Thank you. A moderator will look at this post.")
               ).to_be_visible()
    expect(_article(other, risky)).to_have_count(0)  # the last flagger no longer sees it

    reader = _anonymous(new_context)
    reader.goto(f"/t/{thread_id}")
    expect(reader.get_by_role("heading", level=1)).to_have_text(title)
    expect(reader.locator("article.post")).to_have_count(1)
    expect(reader.get_by_role("main")).not_to_contain_text(risky)
    flagging.goto(f"/t/{thread_id}")
    expect(_article(flagging, risky)).to_have_count(0)

    # The moderator finds it in the queue with the three flags, and dismisses them.
    _, mod = _logged_in(new_context, live_server, "Moderator", role=Role.MODERATOR)
    mod.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Queue")).click()
    item = _queue_item(mod, risky)
    heading = item.get_by_role("heading", level=2)
    expect(heading).to_contain_text("Hidden")
    expect(heading).to_contain_text("3 flags")
    expect(heading).to_contain_text(f"Reply in {title}")
    flags = item.locator("ul.flags > li")
    expect(flags).to_have_count(3)
    expect(flags.first).to_contain_text(f"Harmful or dangerous advice — {flagger}")
    expect(flags.first).to_contain_text(f"“{note}”")
    _no_wcag_violations(mod, "the queue with a post hidden by flags")
    item.get_by_role("button", name="Dismiss the flags").click()
    expect(mod.get_by_text("Flags dismissed.")).to_be_visible()
    expect(_queue_item(mod, risky)).to_have_count(0)

    reader.reload()
    expect(_article(reader, risky)).to_be_visible()
    flagging.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    expect(flagging.get_by_role("region", name="Posts you flagged")).to_contain_text(
        "a moderator reviewed it and left it up")


def test_a_therapist_is_verified_and_their_private_note_stays_private(new_context,
                                                                      live_server):
    tag = live_server.unique("")
    secret = f"Registration number PYL{tag}, please keep this private"
    checked = f"Found them on the HCPC register ({tag})."
    therapist, applicant = _logged_in(new_context, live_server, "Therapist")
    title = f"What I see in my practice {tag}"
    thread_id = live_server.make_thread(
        therapist, title=title, body="Clients who go up slowly tell me it is easier.")

    # The member applies from their settings.
    applicant.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    verification = applicant.get_by_role("region", name="Professional verification")
    verification.get_by_role("link", name="Apply for a verified badge").click()
    expect(applicant.get_by_role("heading", level=1)).to_have_text("Verify your profession")
    applicant.get_by_label("Profession", exact=True).select_option(label="Therapist")
    applicant.get_by_label("Public link to a professional register or practice page").fill(
        "https://www.hcpc-uk.org/check-the-register/")
    applicant.get_by_label("Private note for the moderators").fill(secret)
    applicant.get_by_role("button", name="Apply").click()
    expect(applicant.get_by_text("Thank you. A moderator will check your details")
           ).to_be_visible()
    expect(verification).to_contain_text("Your application is waiting for a moderator.")
    applicant.goto("/settings/verification")
    expect(applicant.get_by_role("status")).to_have_text(
        "Your application is waiting for a moderator.")
    expect(applicant.get_by_role("button", name="Apply")).to_have_count(0)

    # A moderator checks it in the queue (where the private note is shown) and approves.
    _, mod = _logged_in(new_context, live_server, "Moderator", role=Role.MODERATOR)
    mod.goto("/mod/queue")
    applications = mod.get_by_role("region", name="Professional verification")
    application = applications.locator("article").filter(
        has_text=f"{therapist} says they are a therapist")
    expect(application).to_contain_text(f"Private note: “{secret}”")
    expect(application.get_by_role("link", name="https://www.hcpc-uk.org/check-the-register/")
           ).to_have_attribute("rel", re.compile(r"\bnoreferrer\b"))
    _no_wcag_violations(mod, "the queue with a verification application")
    application.get_by_label("How you checked (public)").fill(checked)
    application.get_by_role("button", name="Approve").click()
    expect(mod.get_by_text(f"{therapist} is now marked as a verified therapist.")
           ).to_be_visible()
    expect(applications.locator("article").filter(has_text=therapist)).to_have_count(0)

    # Their posts carry the badge beside their name, for everyone.
    reader = _anonymous(new_context)
    reader.goto(f"/t/{thread_id}")
    author_line = reader.locator("article.post").first.locator(".post-meta")
    expect(author_line.get_by_role("link", name=therapist)).to_be_visible()
    expect(author_line.locator(".badge")).to_have_text("Verified therapist")
    # Read out as one heading: "Post by <name>, Verified therapist".
    expect(author_line.get_by_role("heading", level=2)).to_have_accessible_name(
        re.compile(rf"^Post by {therapist}\s*, Verified therapist$"))
    author_line.get_by_role("link", name=therapist).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        re.compile(rf"^{therapist}\s+Verified therapist$"))

    # The public log says who was verified and how, never the private note.
    reader.goto("/modlog")
    row = _log_row(reader, checked)
    expect(row).to_contain_text("verified a professional (Verified therapist)")
    expect(row).to_contain_text(therapist)
    for path in ("/", f"/t/{thread_id}", f"/u/{therapist}", "/modlog"):
        reader.goto(path)
        expect(reader.locator("body")).not_to_contain_text(f"PYL{tag}")
        assert f"PYL{tag}" not in reader.content(), path

    _open_notifications(applicant)
    expect(applicant.locator("ul.notifications li").first).to_contain_text(
        "A moderator verified your profession. Your posts now show the badge: "
        "Verified therapist")
    applicant.goto(f"/t/{thread_id}")
    expect(applicant.locator("article.post").first.locator(".badge")).to_have_text(
        "Verified therapist")


def test_crisis_words_bring_helplines_and_a_moderator_and_dose_talk_a_reminder(
        new_context, live_server):
    tag = live_server.unique("")
    starter, _ = live_server.make_member("Starter")
    thread_id = live_server.make_thread(starter, title=f"Hard evenings {tag}", replies=3,
                                        body="How is everyone getting through the evenings?")
    crisis = f"Everything is too much tonight. I want to end my life. {tag}"
    dose = f"I take 60 mg a day now, split in three, and the cravings are quieter. {tag}"

    member, writer = _logged_in(new_context, live_server, "Struggling")
    writer.goto(f"/t/{thread_id}")
    reply_form = writer.locator("form#reply")
    # The reminder is there before anything is posted.
    expect(reply_form.locator(".dose-note")).to_have_text(re.compile(
        r"^Personal experience, not dosing advice: .*talk to a prescriber"))
    writer.get_by_label("Your reply").fill(crisis)
    writer.get_by_role("button", name="Reply").click()

    # Right after posting: helplines, prominently, and the post is up.
    alert = writer.get_by_role("alert")
    expect(alert).to_contain_text("Your post is up. If you are thinking about ending your "
                                  "life or you are in danger, please reach out now.")
    expect(alert.get_by_role("link", name="Samaritans (UK and Ireland)")).to_have_attribute(
        "href", "tel:116123")
    expect(alert).to_contain_text("116 123")
    alert.locator("summary", has_text="United States").click()  # other countries, folded
    expect(alert.get_by_role("link", name="988 Suicide & Crisis Lifeline (US)")
           ).to_have_attribute("href", "tel:988")
    expect(alert.get_by_role("link", name="More help")).to_be_visible()
    # On screen at once: not scrolled away to the post further down the page.
    expect(alert.get_by_role("link", name="Samaritans (UK and Ireland)")).to_be_in_viewport()
    posted = _article(writer, crisis)
    expect(posted).to_be_visible()
    expect(posted.locator(".status-note")).to_have_count(0)
    expect(posted.locator(".dose-note")).to_have_count(0)
    _no_wcag_violations(writer, "the crisis alert after posting")

    reader = _anonymous(new_context)
    reader.goto(f"/t/{thread_id}")
    expect(_article(reader, crisis)).to_be_visible()

    # Dose talk gets a quiet reminder under the post.
    writer.get_by_label("Your reply").fill(dose)
    writer.get_by_role("button", name="Reply").click()
    expect(writer.get_by_role("alert")).to_have_count(0)
    expect(_article(writer, dose).locator(".dose-note")).to_have_text(
        "Personal experience, not dosing advice. Talk to a prescriber.")
    reader.reload()
    expect(_article(reader, dose).locator(".dose-note")).to_be_visible()

    # The moderators see the crisis post before anything that is not about a risk.
    _, mod = _logged_in(new_context, live_server, "Moderator", role=Role.MODERATOR)
    mod.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Queue")).click()
    items = mod.locator("article.queue-item")
    expect(items.first).to_have_class(re.compile(r"\bat-risk\b"))
    expect(items.first.get_by_role("heading", level=2)).to_contain_text(
        "Someone may be at risk")
    item = _queue_item(mod, crisis)
    expect(item.get_by_role("heading", level=2)).to_contain_text("Someone may be at risk")
    expect(item).to_contain_text(f"By {member}")
    expect(item.locator("ul.flags")).to_contain_text(
        "Someone may be at risk — the system")
    expect(item.locator("ul.flags")).to_contain_text("Crisis language: “end my life”")
    order = items.evaluate_all("els => els.map(e => [e.id, e.classList.contains('at-risk')])")
    ours = [item_id for item_id, _ in order].index(item.get_attribute("id"))
    assert all(at_risk for _, at_risk in order[:ours + 1]), order  # only risks before it
    _no_wcag_violations(mod, "the queue with a post about someone at risk")

    # Having read it (and reached out), the moderator clears it; the post stays up.
    item.get_by_role("button", name="Dismiss the flags").click()
    expect(mod.get_by_text("Flags dismissed.")).to_be_visible()
    expect(_queue_item(mod, crisis)).to_have_count(0)
    reader.reload()
    expect(_article(reader, crisis)).to_be_visible()


def test_an_indefinitely_suspended_member_is_told_so_at_login(new_context, live_server):
    member, password = live_server.make_member("Banned")
    _, mod = _logged_in(new_context, live_server, "Moderator", role=Role.MODERATOR)
    thread_id = live_server.make_thread(member, body="Hello again.")
    mod.goto(f"/t/{thread_id}")
    post = mod.locator("article.post").first
    post.locator("summary", has_text="Moderate").click()
    post.get_by_role("link", name="Member history").click()
    suspend = mod.locator("form").filter(has=mod.get_by_role("button", name="Suspend"))
    suspend.get_by_label("Indefinitely").check()
    suspend.get_by_label("Reason").fill("Threats against other members.")
    suspend.get_by_role("button", name="Suspend").click()
    expect(mod.locator("p.meta").first).to_contain_text("suspended until further notice")

    page = new_context().new_page()
    page.goto("/login")
    page.get_by_label("Username").fill(member)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("suspended")
    expect(alert).not_to_contain_text("9999", timeout=1_000)
