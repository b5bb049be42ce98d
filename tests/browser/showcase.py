"""A populated forum for the page-type tests to look at (journeys make their own data)."""
from dataclasses import dataclass

from forum.extensions import db
from forum.models import Category, FlagReason, Role, User
from forum.flags import services as flags
from forum.moderation import services as moderation
from forum.threads import queries, services

from .helpers import log_in

RICH_POST = """**Three months in**, and this is what changed for me:

- cravings are *much* lower
- I sleep through the night
- the evening anxiety has ~~gone~~ mostly gone

1. started at 15 mg
2. went up slowly, with my GP

The [Bacloville trial](https://example.org/bacloville) is worth reading, and here is
my chart: ![doses over twelve weeks](https://example.org/chart.png)

> I never thought I would write this.

Split over the day: `20 mg` three times.

| week | dose |
|------|------|
| 1    | 15 mg |
| 4    | 60 mg |

# A heading someone typed
"""


@dataclass(frozen=True)
class Site:
    """Read-only showcase data for the page-type tests (journeys make their own)."""
    author: str
    author_id: int
    other: str
    moderator: str
    password: str
    thread_id: int
    first_post_id: int
    own_reply_id: int
    others_post_id: int
    moderated_thread_id: int
    hidden_post_id: int
    member_state: dict     # cookies of `author`, logged in, for browser.new_context
    moderator_state: dict  # likewise for `moderator`


def _logged_in_state(browser, base_url: str, username: str, password: str) -> dict:
    context = browser.new_context(base_url=base_url)
    try:
        log_in(context.new_page(), username, password)
        return context.storage_state()
    finally:
        context.close()


def build_site(live_server, browser) -> Site:
    author, password = live_server.make_member("Showcase")
    other, _ = live_server.make_member("Helper")
    moderator, _ = live_server.make_member("Moderator", role=Role.MODERATOR)
    newcomer, _ = live_server.make_member("Newcomer", new=True)
    with live_server.app.app_context():
        user = {name: db.session.query(User).filter_by(username=name).one()
                for name in (author, other, moderator, newcomer)}
        a, b, mod = user[author], user[other], user[moderator]
        category = db.session.query(Category).filter_by(slug="experiences").one()
        first = services.create_thread(a, category, title="Three months at 90 mg: what changed",
                                       body=RICH_POST).post
        thread = first.thread
        services.edit_post(a, first, body=RICH_POST + "\nEdited to add: thank you all.")
        others = services.reply(b, thread, body=queries.quote_text(first)
                                + "Thank you for writing this down. **Same here.**").post
        own = services.reply(a, thread, body="Glad it helps. Ask me anything.").post
        # Enough posts for a second page (POSTS_PER_PAGE is 20).
        for n in range(20):
            services.reply(b if n % 2 else a, thread, body=f"Week {n + 1}: still steady.")

        # Something for the moderators: a held first post, a flagged post, a hidden one.
        services.create_thread(user[newcomer], category, title="Hello from a new member",
                               body="I started last week. Is 5 mg a normal start?")
        opener = services.create_thread(b, category, title="Stopping baclofen safely",
                                        body="My GP wants me to taper. How did yours go?").post
        flagged = services.reply(b, opener.thread, body="I stopped all at once last year.").post
        flags.flag_post(a, flagged, reason=FlagReason.HARMFUL,
                             note="Stopping suddenly can cause seizures.")
        hidden = services.reply(a, opener.thread, body="Buy it cheap at this site: …").post
        moderation.hide_post(mod, hidden, reason="Advertising is not allowed here.")
        ids = dict(author_id=a.id, thread_id=thread.id, first_post_id=first.id,
                   own_reply_id=own.id, others_post_id=others.id,
                   moderated_thread_id=opener.thread_id, hidden_post_id=hidden.id)

    return Site(author=author, other=other, moderator=moderator, password=password, **ids,
                member_state=_logged_in_state(browser, live_server.url, author, password),
                moderator_state=_logged_in_state(browser, live_server.url, moderator, password))
