"""E-mail about notifications: per member and kind, through the outbox, nothing a member
wrote in the subject, and a signed one-click unsubscribe link that needs no login."""
import re

from sqlalchemy import select

from forum.extensions import db
from forum.models import EmailChoice, OutboxMessage
from forum.notifications import email
from forum.notifications.email import save_settings, send_daily_digests

from .factories import make_post, make_thread


def outbox(user):
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == user.id)
                                   .order_by(OutboxMessage.id)))


def test_a_mention_is_mailed_by_default_but_a_reply_is_not(app, alice, bob):
    thread = make_thread(alice, title="Secret title words", body="Opening.")
    make_post(bob, thread, body="Plain reply.")
    assert outbox(alice) == []
    make_post(bob, thread, body="Private words for @alice here.")
    [mail] = outbox(alice)
    assert mail.kind == "notification" and mail.to_address == alice.email
    assert "Secret" not in mail.subject and "Private" not in mail.subject
    assert "Private words" not in mail.text and "Secret title" not in mail.text
    assert "/unsubscribe/" in mail.text


def test_replies_by_mail_when_chosen(app, alice, bob):
    save_settings(alice, email_replies=EmailChoice.INSTANT)
    thread = make_thread(alice)
    make_post(bob, thread, body="A reply.")
    [mail] = outbox(alice)
    assert mail.subject == email.SUBJECTS["email_replies"]


def test_the_unsubscribe_link_works_without_logging_in(app, alice, bob, client):
    thread = make_thread(alice)
    make_post(bob, thread, body="Hello @alice.")
    link = re.search(r"/unsubscribe/\S+", outbox(alice)[0].text).group(0)
    page = client.get(link)
    assert page.status_code == 200 and ">Unsubscribe</button>" in page.get_data(as_text=True)
    assert email.settings_of(alice.id).email_mentions == EmailChoice.INSTANT  # GET changes nothing
    assert client.post(link).status_code == 200
    db.session.expire_all()
    assert email.settings_of(alice.id).email_mentions == EmailChoice.OFF
    make_post(bob, thread, body="Again @alice.")
    assert len(outbox(alice)) == 1


def test_a_forged_or_tampered_link_does_nothing(app, alice, client):
    token = email.unsubscribe_token(alice, "email_mentions")
    assert client.post("/unsubscribe/" + token[:-2] + "xx").status_code == 404
    forged = email.URLSafeSerializer("not-the-key", salt=email.UNSUBSCRIBE_SALT).dumps(
        {"u": alice.id, "s": "email_mentions"})
    assert client.post("/unsubscribe/" + forged).status_code == 404
    assert email.settings_of(alice.id).email_mentions == EmailChoice.INSTANT


def test_the_settings_page_saves_choices(app, alice, login):
    client = login(alice)
    assert client.get("/settings/notifications").status_code == 200
    response = client.post("/settings/notifications", data={
        "email_replies": "daily", "email_mentions": "off", "email_quotes": "instant",
        "email_helped": "bogus", "email_moderation": "instant"})
    assert response.status_code == 302
    db.session.expire_all()
    settings = email.settings_of(alice.id)
    assert (settings.email_replies, settings.email_mentions, settings.email_quotes,
            settings.email_helped, settings.watch_on_post) == ("daily", "off", "instant",
                                                              "off", False)


def test_a_daily_digest_gathers_what_was_chosen(app, alice, bob):
    save_settings(alice, email_replies=EmailChoice.DAILY)
    thread = make_thread(alice, title="Digest title words")
    make_post(bob, thread, body="One.")
    make_post(bob, thread, body="Two.")
    assert outbox(alice) == []
    assert send_daily_digests() == 1
    [mail] = outbox(alice)
    assert mail.kind == "digest" and ": 2" in mail.text and "Digest title" not in mail.text
    assert send_daily_digests() == 0  # nothing new since


def test_the_digest_command(app, alice):
    result = app.test_cli_runner().invoke(args=["notifications", "digest"])
    assert result.exit_code == 0 and "Queued 0 digests." in result.output
