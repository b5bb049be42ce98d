"""Verified professionals: apply, review, badge, revoke; the private note stays private."""
import pytest

from forum import permissions
from forum.errors import PermissionDenied, ValidationFailed
from forum.extensions import db
from forum.models import Action, ModerationAction, ProfessionalApplication, Role
from forum.moderation import verification

from .factories import make_post, make_thread, make_user

NOTE = "My registration number is HCPC-PRIVATE-12345"


def test_whole_application_flow_over_http(app, login):
    tess, mia = make_user("tess"), make_user("mia", role=Role.MODERATOR)
    thread = make_thread(tess, body="From my practice: go slowly.")
    client = login(tess)
    assert "Apply for a verified badge" in client.get("/settings").get_data(as_text=True)
    response = client.post("/settings/verification", data={
        "profession": "therapist", "register_url": "https://register.example/tess",
        "private_note": NOTE})
    assert response.status_code == 302
    assert "waiting for a moderator" in client.get("/settings").get_data(as_text=True)
    again = client.post("/settings/verification", data={
        "profession": "therapist", "register_url": "https://register.example/tess"})
    assert again.status_code == 422 and db.session.query(ProfessionalApplication).count() == 1

    queue = login(mia).get("/mod/queue").get_data(as_text=True)
    assert "tess</a> says they are a therapist" in queue and NOTE in queue
    assert 'Queue <span class="count-badge">1' in login(mia).get("/").get_data(as_text=True)
    application = db.session.query(ProfessionalApplication).one()
    login(mia).post(f"/mod/applications/{application.id}/approve",
                    data={"reason": "Checked the register"})
    db.session.expire_all()
    assert tess.badge == "Verified therapist"

    for url in (f"/t/{thread.id}", "/u/tess"):
        page = app.test_client().get(url).get_data(as_text=True)
        assert '<span class="badge">Verified therapist</span>' in page
    assert "verified your profession" in client.get("/notifications").get_data(as_text=True)

    # Revoked later: the badge goes, the log says why.
    login(mia).post(f"/mod/users/{tess.id}/revoke", data={"reason": "Registration lapsed"})
    db.session.expire_all()
    assert tess.badge is None
    assert "Verified therapist" not in app.test_client().get(f"/t/{thread.id}").get_data(as_text=True)
    actions = [e.action for e in db.session.query(ModerationAction).order_by(ModerationAction.id)]
    assert actions == [Action.APPLY_VERIFICATION, Action.VERIFY, Action.REVOKE_VERIFICATION]


def test_the_private_note_never_appears_in_public(app, login):
    tess, mia = make_user("tess"), make_user("mia", role=Role.MODERATOR)
    make_thread(tess)
    application = verification.apply_for_verification(
        tess, profession="nurse", register_url="https://register.example/t", private_note=NOTE)
    verification.approve_application(mia, application)
    anonymous, member = app.test_client(), login(make_user("bob"))
    for client in (anonymous, member):
        for url in ("/", "/u/tess", "/modlog", "/t/1", "/resources", "/help"):
            assert NOTE not in client.get(url).get_data(as_text=True), url
    assert "verified a professional" in anonymous.get("/modlog").get_data(as_text=True)
    assert "applied for verification" not in anonymous.get("/modlog").get_data(as_text=True)


def test_decline_needs_a_reason_and_tells_the_member(app, login):
    tess, mia = make_user("tess"), make_user("mia", role=Role.MODERATOR)
    application = verification.apply_for_verification(
        tess, profession="gp", register_url="https://register.example/t")
    with pytest.raises(ValidationFailed):
        verification.decline_application(mia, application, reason="")
    verification.decline_application(mia, application, reason="We could not find you on it")
    assert tess.badge is None
    assert "We could not find you on it" in login(tess).get("/notifications").get_data(as_text=True)
    assert "We could not find you on it" not in app.test_client().get("/modlog").get_data(as_text=True)
    with pytest.raises(Exception):  # already decided
        verification.approve_application(mia, application)


@pytest.mark.parametrize("register_url", ["", "not a url", "javascript:alert(1)",
                                          "ftp://register.example"])
def test_application_needs_a_real_link(app, register_url):
    with pytest.raises(ValidationFailed) as failure:
        verification.apply_for_verification(make_user("tess"), profession="therapist",
                                            register_url=register_url)
    assert failure.value.errors[0][0] == "register_url"


@pytest.mark.parametrize("who", ["alice", "fred", "silenced"])
def test_only_moderators_decide(app, who):
    tess = make_user("tess")
    application = verification.apply_for_verification(
        tess, profession="therapist", register_url="https://register.example/t")
    user = {"alice": make_user("alice"), "fred": make_user("fred", suspended=True),
            "silenced": make_user("sam", silenced=True)}[who]
    with pytest.raises(PermissionDenied):
        verification.approve_application(user, application)


def test_a_badge_gives_no_extra_powers(app):
    tess, mia = make_user("tess"), make_user("mia", role=Role.MODERATOR)
    alice = make_user("alice")
    thread = make_thread(alice)
    post = make_post(alice, thread)
    before = {name: getattr(permissions, name)(tess, post) for name in
              ("can_edit_post", "can_delete_post", "can_flag")}
    before["can_moderate"] = permissions.can_moderate(tess)
    verification.approve_application(mia, verification.apply_for_verification(
        tess, profession="psychiatrist", register_url="https://register.example/t"))
    after = {name: getattr(permissions, name)(tess, post) for name in
             ("can_edit_post", "can_delete_post", "can_flag")}
    after["can_moderate"] = permissions.can_moderate(tess)
    assert before == after
    assert not permissions.can_sanction(tess, alice)
