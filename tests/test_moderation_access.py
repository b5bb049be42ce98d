"""Who may moderate: the /mod/ guard and the persona x action table."""
import pytest
from flask_login import AnonymousUserMixin

from forum.errors import PermissionDenied
from forum.extensions import db
from forum.models import ModerationAction, Post, PostStatus, Role
from forum.moderation import sanctions, services

from .factories import make_category, make_thread, make_user

NON_MODERATORS = ["anonymous", "alice", "fred_silenced", "fred_suspended"]


def _persona(name):
    if name == "anonymous":
        return AnonymousUserMixin()
    from forum.auth.services import find_user_by_name
    existing = find_user_by_name(name.split("_")[0])
    if existing is not None:
        return existing
    if name == "alice":
        return make_user("alice")
    if name == "fred_silenced":
        return make_user("fred", silenced=True)
    if name == "fred_suspended":
        return make_user("fred", suspended=True)
    if name == "mia":
        return make_user("mia", role=Role.MODERATOR)
    if name == "ada":
        return make_user("ada", role=Role.ADMIN)
    raise ValueError(name)


def _moderation_urls(app):
    """Every moderation endpoint with sample arguments filled in."""
    samples = {"post_id": 1, "thread_id": 1, "user_id": 1, "resource_id": 1,
               "application_id": 1, "edit_id": 1, "verb": None}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("moderation."):
            continue
        verbs = [None]
        if "verb" in rule.arguments:
            verbs = list(rule._converters["verb"].items) if hasattr(
                rule._converters["verb"], "items") else ["approve"]
        for verb in verbs:
            args = {name: samples[name] for name in rule.arguments}
            if verb is not None:
                args["verb"] = verb
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method, rule.build(args)[1]


@pytest.mark.parametrize("who", NON_MODERATORS)
def test_every_moderation_endpoint_is_404_for_non_moderators(app, who):
    user = _persona(who)
    thread = make_thread(make_user("carol"))
    assert thread.id == 1
    client = app.test_client() if who == "anonymous" else app.test_client(user=user)
    seen = set()
    for rule, method, url in _moderation_urls(app):
        seen.add(rule.endpoint)
        response = client.open(url, method=method, data={"reason": "x"})
        assert response.status_code == 404, (method, url)
    # The walk covered every moderation view there is.
    assert seen == {rule.endpoint for rule in app.url_map.iter_rules()
                    if rule.endpoint.startswith("moderation.")}
    assert len(seen) >= 7


def test_moderation_pages_open_for_moderators(app):
    mia = _persona("mia")
    make_thread(make_user("carol"))
    client = app.test_client(user=mia)
    for url in ("/mod/queue", "/mod/log", f"/mod/users/{mia.id}", "/mod/posts/1/edit"):
        assert client.get(url).status_code == 200, url


# --- persona x action, at the service level -----------------------------------------

def _setup():
    author = make_user("carol")
    thread = make_thread(author, replies=1)
    newbie = make_user("newbie", new=True)
    from forum.threads import services as thread_services
    pending = thread_services.reply(newbie, thread, body="held reply").post
    published = db.session.query(Post).filter_by(thread_id=thread.id, position=2).one()
    return dict(author=author, thread=thread, pending=pending, published=published,
                target=make_user("target"), other=make_category("other", "Other"))


ACTIONS = {
    "approve": lambda u, s: services.approve_post(u, s["pending"]),
    "reject": lambda u, s: services.reject_post(u, s["pending"], reason="Off topic"),
    "hide": lambda u, s: services.hide_post(u, s["published"], reason="Dosing advice"),
    "restore": lambda u, s: (services.hide_post(_persona("ada"), s["published"], reason="x"),
                             services.restore_post(u, s["published"], reason="Fine")),
    "edit": lambda u, s: services.moderator_edit_post(u, s["published"], body="[removed]",
                                                      reason="Phone number"),
    "silence": lambda u, s: sanctions.silence_user(u, s["target"], days=3, reason="Heated"),
    "suspend": lambda u, s: sanctions.suspend_user(u, s["target"], indefinitely=True,
                                                   reason="Spam"),
    "lift": lambda u, s: (sanctions.silence_user(_persona("ada"), s["target"], days=1,
                                                 reason="x"),
                          sanctions.lift_sanction(u, s["target"], reason="Apologised")),
    "lock": lambda u, s: sanctions.lock_thread(u, s["thread"], reason="Resolved"),
    "pin": lambda u, s: sanctions.pin_thread(u, s["thread"], globally=True, reason="Useful"),
    "move": lambda u, s: sanctions.move_thread(u, s["thread"], s["other"], reason="Fits"),
    "rename": lambda u, s: sanctions.rename_thread(u, s["thread"], title="A clearer title",
                                                   reason="Clearer"),
    "change_role": lambda u, s: sanctions.change_role(u, s["target"], Role.MODERATOR,
                                                      reason="Trusted"),
}

ALLOWED = {"mia": set(ACTIONS) - {"change_role"}, "ada": set(ACTIONS)}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("who", NON_MODERATORS + ["mia", "ada"])
def test_persona_action_table(app, who, action):
    state = _setup()
    user = _persona(who)
    if action in ALLOWED.get(who, set()):
        ACTIONS[action](user, state)
        assert db.session.query(ModerationAction).filter(
            ModerationAction.actor_id == user.id).count() >= 1
    else:
        with pytest.raises(PermissionDenied):
            ACTIONS[action](user, state)
        assert state["pending"].status == PostStatus.PENDING


def test_moderators_cannot_sanction_admins_or_each_other(app):
    mia, ada = _persona("mia"), _persona("ada")
    max_ = make_user("max", role=Role.MODERATOR)
    for target in (ada, max_, mia):
        with pytest.raises(PermissionDenied):
            sanctions.silence_user(mia, target, days=1, reason="x")
    sanctions.silence_user(ada, max_, days=1, reason="Cooling off")
    with pytest.raises(PermissionDenied):
        sanctions.suspend_user(ada, ada, days=1, reason="x")
