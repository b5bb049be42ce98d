"""The outbox: queued with the change that caused it, sent later, retried, never lost."""
import email
import logging
import socket
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from forum.extensions import db
from forum.mail import sender
from forum.mail.outbox import enqueue
from forum.models import OutboxMessage, utcnow

from .conftest import USING_POSTGRES


class Recorder:
    """An SMTP server's handler keeping what it accepted; `refuse` first answers 451."""

    def __init__(self, refuse: int = 0):
        self.refuse = refuse
        self.received = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse > 0:
                self.refuse -= 1
                return "451 4.3.0 Try again later"
            self.received.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """start(refuse=N) -> (handler, port): a real SMTP server on 127.0.0.1."""
    controllers = []

    def start(refuse: int = 0):
        handler = Recorder(refuse)
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return handler, port

    yield start
    for controller in controllers:
        controller.stop()


def _smtp_app(app_factory, port, **extra):
    return app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5,
                       MAIL_SENDER="Forum <forum@forum.example>", **extra)


def test_enqueue_adds_to_the_callers_transaction_and_never_commits(app):
    enqueue("alice@example.org", "Confirm your e-mail address", "Open this link.",
            kind="verify")
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) == 0
    message = enqueue("alice@example.org", "Confirm your e-mail address", "Open this link.",
                      kind="verify")
    db.session.commit()
    assert message.id is not None and message.sent_at is None and message.attempts == 0


@pytest.mark.parametrize("subject", ["", "   ", "x" * 201])
def test_enqueue_refuses_empty_or_overlong_subjects(app, subject):
    with pytest.raises(ValueError):
        enqueue("alice@example.org", subject, "text", kind="verify")


def test_a_newline_in_the_subject_cannot_add_a_header(app, tmp_path):
    app.config["MAIL_OUTBOX_DIR"] = str(tmp_path)
    enqueue("alice@example.org", "Hello\r\nBcc: victim@example.org", "text", kind="test")
    db.session.commit()
    sender.send_due()
    mail = email.message_from_bytes(next(tmp_path.glob("*.eml")).read_bytes())
    assert mail["Bcc"] is None and mail["Subject"] == "Hello Bcc: victim@example.org"


def test_development_writes_eml_files_and_logs_no_contents(app, tmp_path, caplog):
    app.config["MAIL_OUTBOX_DIR"] = str(tmp_path)
    message = enqueue("alice@example.org", "Reset your password", "Secret link inside.",
                      kind="reset", html="<p>Secret link inside.</p>")
    db.session.commit()
    with caplog.at_level(logging.INFO, logger="forum.mail"):
        report = sender.send_due()
    assert report.sent == [message.id]
    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 1
    mail = email.message_from_bytes(files[0].read_bytes())
    assert mail["To"] == "alice@example.org" and mail["Subject"] == "Reset your password"
    assert mail["Auto-Submitted"] == "auto-generated"
    parts = {part.get_content_type(): part.get_payload(decode=True).decode()
             for part in mail.walk() if not part.is_multipart()}
    assert "Secret link inside." in parts["text/plain"]
    assert "<p>Secret link inside.</p>" in parts["text/html"]
    logged = caplog.text
    assert f"mail {message.id} (reset)" in logged
    for secret in ("Secret link", "Reset your password", "alice@example.org"):
        assert secret not in logged
    db.session.expire_all()
    sent = db.session.get(OutboxMessage, message.id)
    assert sent.sent_at is not None and sent.text == "" and sent.html is None
    assert sender.send_due().sent == []  # sent once only


def test_the_default_outbox_is_under_the_instance_folder(app):
    enqueue("alice@example.org", "Confirm your e-mail address", "link", kind="verify")
    db.session.commit()
    sender.send_due()
    from pathlib import Path
    outbox = Path(app.instance_path) / "outbox"
    written = list(outbox.glob("*-verify.eml"))
    assert written
    for path in written:
        path.unlink()


def test_smtp_delivers_to_a_real_server(app_factory, smtp_server):
    handler, port = smtp_server()
    _smtp_app(app_factory, port)
    enqueue("alice@example.org", "Confirm your e-mail address", "Open the link.",
            kind="verify")
    enqueue("bob@example.org", "Reset your password", "Another link.", kind="reset")
    db.session.commit()
    report = sender.send_due()
    assert len(report.sent) == 2 and report.failed == []
    assert sorted(envelope.rcpt_tos[0] for envelope in handler.received) == [
        "alice@example.org", "bob@example.org"]
    assert handler.received[0].mail_from == "forum@forum.example"
    assert b"Open the link." in handler.received[0].content


def test_a_refusing_server_gets_the_message_again_later_with_backoff(app_factory, smtp_server):
    handler, port = smtp_server(refuse=2)
    _smtp_app(app_factory, port)
    message = enqueue("alice@example.org", "Reset your password", "link", kind="reset")
    db.session.commit()
    start = utcnow()
    first = sender.send_due(now=start)
    assert first.failed == [message.id] and handler.received == []
    db.session.expire_all()
    stored = db.session.get(OutboxMessage, message.id)
    assert stored.attempts == 1 and "451" in stored.last_error and stored.sent_at is None
    assert stored.next_attempt_at == start + sender.backoff(1)
    # Not due yet: nothing is tried again before the backoff has passed.
    assert not sender.send_due(now=start + sender.backoff(1) - timedelta(seconds=1))
    second = sender.send_due(now=start + sender.backoff(1))
    assert second.failed == [message.id]
    db.session.expire_all()
    later = db.session.get(OutboxMessage, message.id).next_attempt_at
    assert later == start + sender.backoff(1) + sender.backoff(2)
    third = sender.send_due(now=later)
    assert third.sent == [message.id]
    assert len(handler.received) == 1
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).attempts == 3


def test_a_server_that_is_down_loses_nothing(app_factory, smtp_server):
    handler, port = smtp_server()
    controller_app = _smtp_app(app_factory, free_port())  # nothing listens there
    enqueue("alice@example.org", "Reset your password", "link", kind="reset")
    db.session.commit()
    start = utcnow()
    assert len(sender.send_due(now=start).failed) == 1
    controller_app.config["MAIL_PORT"] = port
    assert len(sender.send_due(now=start + sender.backoff(1)).sent) == 1
    assert len(handler.received) == 1


def test_backoff_doubles_and_levels_off():
    waits = [sender.backoff(n) for n in range(1, 15)]
    assert waits[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert all(a <= b for a, b in zip(waits, waits[1:]))
    assert waits[-1] == sender.BACKOFF_MAX


def test_a_claimed_message_is_not_taken_by_a_second_sender(app):
    message = enqueue("alice@example.org", "Confirm your e-mail address", "l", kind="verify")
    db.session.commit()
    now = utcnow()
    claimed = sender._claim(now, 10)
    assert [c[0] for c in claimed] == [message.id]
    assert sender._claim(now, 10) == []  # another sender, a moment later
    assert sender._claim(now + sender.CLAIM_LEASE - timedelta(seconds=1), 10) == []


@pytest.mark.skipif(not USING_POSTGRES, reason="row locks: PostgreSQL")
def test_several_senders_on_postgresql_never_send_twice(app_factory, smtp_server):
    handler, port = smtp_server()
    app = _smtp_app(app_factory, port, MAIL_BATCH_SIZE=3)
    for n in range(30):
        enqueue(f"member{n}@example.org", "Confirm your e-mail address", f"link {n}",
                kind="verify")
    db.session.commit()
    db.session.remove()
    errors = []

    def run():
        try:
            with app.app_context():
                sender.send_all_due()
                db.session.remove()
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    workers = [threading.Thread(target=run) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    recipients = [envelope.rcpt_tos[0] for envelope in handler.received]
    assert len(recipients) == 30 and len(set(recipients)) == 30


def test_production_without_a_mail_server_refuses_to_send_and_claims_nothing(app):
    app.config["MAIL_BACKEND"] = "smtp"
    enqueue("alice@example.org", "Confirm your e-mail address", "l", kind="verify")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 2 and "FORUM_MAIL_SERVER" in result.output
    db.session.expire_all()
    assert db.session.scalars(select(OutboxMessage)).one().attempts == 0


def test_the_cli_sends_and_reports(app, tmp_path):
    app.config["MAIL_OUTBOX_DIR"] = str(tmp_path)
    enqueue("alice@example.org", "Confirm your e-mail address", "l", kind="verify")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0" in result.output
    assert len(list(tmp_path.glob("*.eml"))) == 1


def test_old_sent_messages_are_forgotten(app, tmp_path):
    app.config["MAIL_OUTBOX_DIR"] = str(tmp_path)
    enqueue("alice@example.org", "Confirm your e-mail address", "l", kind="verify")
    db.session.commit()
    sender.send_due()
    assert sender.forget_sent() == 0
    assert sender.forget_sent(now=utcnow() + timedelta(days=31)) == 1
