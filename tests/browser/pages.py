"""Every type of page the forum shows, and how a person gets to it.

The accessibility test (axe) and the HTML test (Nu checker) both walk this list, so a
page added here is checked by both. A feature that adds a page adds an entry.
"""
from dataclasses import dataclass
from typing import Callable

from playwright.sync_api import Page

SESSION_EXPIRED_TEXT = "Day 40. Steady at 60 mg, no cravings since Sunday."


@dataclass(frozen=True)
class PageType:
    """A page reached either at `path` (formatted with the Site) or by `steps`."""
    name: str
    path: str | None = None
    steps: Callable[[Page, object], None] | None = None
    status: int = 200
    role: str | None = None  # None: anonymous; "member": the showcase author; "moderator"
    main: bool = False  # one of the main pages: photographed at 1280 px and 375 px

    def __str__(self):
        return self.name

    def url(self, site) -> str:
        return self.path.format(site=site)


# ---- pages reached through a form ------------------------------------------------------

def _failed_login(page: Page, site) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(site.author)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Log in").click()


def _register_errors(page: Page, site) -> None:
    page.goto("/register")
    page.get_by_label("Username").fill(site.author)  # taken
    page.get_by_label("E-mail").fill("not-an-address")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Register").click()


def _new_thread_errors(page: Page, site) -> None:
    page.goto("/c/experiences/new")
    page.get_by_label("Title").fill("Hi")  # shorter than the service allows
    page.get_by_label("Your post").fill("Hello everyone.")
    page.get_by_role("button", name="Post").click()


def _reply_errors(page: Page, site) -> None:
    page.goto(f"/t/{site.thread_id}")
    page.get_by_label("Your reply").fill("   ")  # only spaces: nothing to post
    page.get_by_role("button", name="Reply").click()


def _flag_errors(page: Page, site) -> None:
    page.goto(f"/p/{site.others_post_id}/flag")
    page.get_by_label("Other", exact=True).check()
    page.get_by_role("button", name="Flag").click()  # "Other" needs a note


def _moderator_tools_open(page: Page, site) -> None:
    page.goto(f"/t/{site.moderated_thread_id}")
    for summary in page.locator("summary", has_text="Moderate").all():
        summary.click()


def _session_expired(page: Page, site) -> None:
    page.goto(f"/t/{site.thread_id}")
    page.get_by_label("Your reply").fill(SESSION_EXPIRED_TEXT)
    page.context.clear_cookies()
    page.get_by_role("button", name="Reply").click()


def _ready_to_post(page: Page, site) -> None:
    _session_expired(page, site)
    page.get_by_label("Username").fill(site.author)
    page.get_by_label("Password").fill(site.password)
    page.get_by_role("button", name="Log in").click()


def _preview(page: Page, site) -> None:
    page.goto("/c/experiences/new")
    page.get_by_label("Title").fill("A question about sleep")
    page.get_by_label("Your post").fill("Does anyone else sleep **much** better?\n\n- at first")
    page.get_by_role("button", name="Preview").click()


def _conversation(page: Page, site) -> None:
    """A moderator writes privately to the showcase author, from the member page."""
    page.goto(f"/mod/users/{site.author_id}")
    page.get_by_role("link", name="privately").click()
    page.get_by_label("Subject").fill("Checking in with you")
    page.get_by_label("Your message").fill("How are you doing this week?")
    page.get_by_role("button", name="Send").click()


def _check_email(page: Page, site) -> None:
    """Issue #11: a newcomer registers; the development page shows the link."""
    page.goto("/register")
    import uuid
    name = f"newcomer{uuid.uuid4().hex[:8]}"
    page.get_by_label("Username").fill(name)
    page.get_by_label("E-mail").fill(f"{name}@example.org")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_label("I consent").check()
    page.get_by_label("I have read and accept").check()
    page.get_by_role("button", name="Register").click()


def _verify(page: Page, site) -> None:
    _check_email(page, site)
    page.get_by_role("link", name="/verify/").click()


def _reset_sent(page: Page, site) -> None:
    page.goto("/reset")
    page.get_by_label("E-mail").fill(f"{site.author.lower()}@example.org")
    page.get_by_role("button", name="Send the link").click()


def _reset_password(page: Page, site) -> None:
    _reset_sent(page, site)
    page.get_by_role("link", name="/reset/").click()


def _two_factor_setup(page: Page, site) -> None:
    page.goto("/settings/two-factor")
    start = page.get_by_role("button", name="Set up two-factor sign-in")
    # A set-up begun by an earlier test (axe walks this page too) shows the QR code at once.
    if start.count():
        start.click()


def _delete_errors(page: Page, site) -> None:
    page.goto("/settings/delete")
    page.get_by_role("button", name="Delete my account").click()


MEMBER, MODERATOR = "member", "moderator"

PAGE_TYPES = [
    PageType("home", "/", main=True),
    PageType("home-member", "/", role=MEMBER),
    PageType("home-moderator", "/", role=MODERATOR),
    PageType("category", "/c/experiences", main=True),
    PageType("thread", "/t/{site.thread_id}", main=True),
    PageType("thread-page-2", "/t/{site.thread_id}?page=2"),
    PageType("thread-member", "/t/{site.thread_id}", role=MEMBER, main=True),
    PageType("thread-quoting", "/t/{site.thread_id}?quote={site.others_post_id}#reply",
             role=MEMBER),
    PageType("thread-with-hidden-post", "/t/{site.moderated_thread_id}", role=MEMBER),
    PageType("thread-moderator", steps=_moderator_tools_open, role=MODERATOR),
    PageType("reply-errors", steps=_reply_errors, status=422, role=MEMBER),
    PageType("new-thread", "/c/experiences/new", role=MEMBER, main=True),
    PageType("new-thread-errors", steps=_new_thread_errors, status=422, role=MEMBER),
    PageType("edit-post", "/p/{site.first_post_id}/edit", role=MEMBER),
    PageType("delete-post", "/p/{site.own_reply_id}/delete", role=MEMBER),
    PageType("flag-post", "/p/{site.others_post_id}/flag", role=MEMBER, main=True),
    PageType("flag-errors", steps=_flag_errors, status=422, role=MEMBER),
    PageType("login", "/login", main=True),
    PageType("login-failed", steps=_failed_login),
    PageType("register", "/register", main=True),
    PageType("register-errors", steps=_register_errors, status=422),
    PageType("profile", "/u/{site.author}"),
    PageType("settings", "/settings", role=MEMBER, main=True),
    PageType("notifications", "/notifications", role=MEMBER),
    # Finding and following conversations (#12)
    PageType("search", "/search"),
    PageType("search-results", "/search?q=baclofen+OR+cravings", main=True),
    PageType("search-nothing", "/search?q=%22unbalanced+(%2A"),
    PageType("search-member", "/search?q=steady&order=newest", role=MEMBER),
    PageType("notification-settings", "/settings/notifications", role=MEMBER),
    PageType("helped-by", "/p/{site.first_post_id}/helped", role=MEMBER),
    PageType("help", "/help", main=True),
    PageType("resources", "/resources", main=True),
    PageType("verification", "/settings/verification", role=MEMBER),
    PageType("modlog", "/modlog"),
    PageType("mod-queue", "/mod/queue", role=MODERATOR, main=True),
    PageType("mod-log", "/mod/log", role=MODERATOR),
    PageType("mod-member", "/mod/users/{site.author_id}", role=MODERATOR),
    PageType("mod-edit-post", "/mod/posts/{site.hidden_post_id}/edit", role=MODERATOR),
    PageType("mod-resources", "/mod/resources", role=MODERATOR),
    PageType("mod-new-resource", "/mod/resources/new", role=MODERATOR),
    PageType("error-404", "/t/987654321", status=404, main=True),
    PageType("error-403", "/p/{site.others_post_id}/edit", status=403, role=MEMBER),
    PageType("error-405", "/logout", status=405),
    PageType("error-500", "/__test__/error", status=500),
    PageType("session-expired", steps=_session_expired, status=400, role=MEMBER, main=True),
    PageType("ready-to-post", steps=_ready_to_post, role=MEMBER),
    # Issue #10: history, resubmitting, preview, conversations with the moderators.
    PageType("post-history", "/p/{site.first_post_id}/history", role=MEMBER),
    PageType("edit-and-resubmit", "/p/{site.hidden_post_id}/edit", role=MEMBER),
    PageType("new-thread-preview", steps=_preview, role=MEMBER),
    PageType("messages", "/messages", role=MEMBER),
    PageType("message-start", "/messages/new?member={site.author_id}&template=helplines",
             role=MODERATOR),
    PageType("conversation", steps=_conversation, role=MODERATOR),
    # Issue #11: accounts and privacy.
    PageType("privacy", "/privacy"),
    PageType("guidelines", "/guidelines"),
    PageType("reset-request", "/reset"),
    PageType("reset-sent", steps=_reset_sent),
    PageType("reset-password", steps=_reset_password),
    PageType("check-email", steps=_check_email),
    PageType("verify-email", steps=_verify),
    PageType("consent", "/consent", role=MEMBER),
    PageType("two-factor", "/settings/two-factor", role=MEMBER),
    PageType("two-factor-setup", steps=_two_factor_setup, role=MEMBER),
    PageType("export", "/settings/export", role=MEMBER),
    PageType("delete-account", "/settings/delete", role=MEMBER),
    PageType("delete-account-errors", steps=_delete_errors, status=422, role=MEMBER),
    PageType("mod-erase-member", "/mod/users/{site.author_id}/erase", role=MODERATOR),
]


def storage_state(site, page_type: PageType) -> dict:
    """Context options that make the visitor who this page type is for."""
    state = {MEMBER: site.member_state, MODERATOR: site.moderator_state}.get(page_type.role)
    return {"storage_state": state} if state else {}


def open_page_type(new_context, site, page_type: PageType):
    """A fresh context on `page_type`; returns (page, the final document's response)."""
    page = new_context(**storage_state(site, page_type)).new_page()
    documents = []
    page.on("response", lambda r: (r.request.is_navigation_request()
                                   and r.frame == page.main_frame
                                   and not 300 <= r.status < 400
                                   and documents.append(r)))
    if page_type.path:
        page.goto(page_type.url(site))
    else:
        page_type.steps(page, site)
    page.wait_for_load_state()
    assert documents, f"{page_type}: no page was loaded"
    response = documents[-1]
    assert response.status == page_type.status, (
        f"{page_type}: expected HTTP {page_type.status}, got {response.status} at {page.url}")
    return page, response
