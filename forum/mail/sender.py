"""Deliver the outbox: as .eml files (development) or by SMTP (production).

`send_due()` is safe to run from several processes at once: each claims its messages in a
short transaction (on PostgreSQL with SELECT ... FOR UPDATE SKIP LOCKED; SQLite's single
write lock serialises the claims) by moving their `next_attempt_at` past the time a send
can take, then sends them outside any transaction. A message whose send fails is tried
again later, with exponential backoff; none is ever dropped. A crash between sending and
recording the success sends that message again later: at least once, never lost.

The mail log names the message id, its kind and the outcome only: never a subject, a body
or an address.
"""
import logging
import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select

from ..extensions import db
from ..models import OutboxMessage, utcnow

log = logging.getLogger("forum.mail")

BACKOFF_FIRST = timedelta(minutes=1)   # then 2, 4, 8 ... minutes
BACKOFF_MAX = timedelta(hours=6)       # and every six hours after that, for ever
# A claimed message is left alone by other senders this long: more than a batch of sends
# can take with MAIL_TIMEOUT each.
CLAIM_LEASE = timedelta(minutes=15)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    if attempts < 1:
        return timedelta(0)
    return min(BACKOFF_FIRST * (2 ** min(attempts - 1, 20)), BACKOFF_MAX)


class MailNotConfigured(RuntimeError):
    pass


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sent or self.failed)


def build_message(message: OutboxMessage, config) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = config["MAIL_SENDER"]
    mail["To"] = message.to_address
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(message.created_at)
    domain = config["MAIL_SENDER"].rpartition("@")[2].strip(" >") or "localhost"
    mail["Message-ID"] = make_msgid(idstring=f"outbox{message.id}", domain=domain)
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    mail.set_content(message.text)
    if message.html:
        mail.add_alternative(message.html, subtype="html")
    return mail


class FileBackend:
    """Development: each message becomes an .eml file under <instance>/outbox/."""
    name = "file"

    def __init__(self, app):
        self.directory = Path(app.config.get("MAIL_OUTBOX_DIR")
                              or Path(app.instance_path) / "outbox")

    def __enter__(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *_exc):
        return False

    def send(self, message_id: int, kind: str, mail: EmailMessage) -> str:
        path = self.directory / f"{message_id:08d}-{kind}.eml"
        # Written whole then renamed, readable by its owner only (it may hold a reset link).
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(mail.as_bytes())
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return f"written to {path}"


class SmtpBackend:
    """Production: one SMTP connection per batch (STARTTLS or implicit TLS, login)."""
    name = "smtp"

    def __init__(self, app):
        config = app.config
        if not config.get("MAIL_SERVER"):
            raise MailNotConfigured("Set FORUM_MAIL_SERVER (and FORUM_MAIL_PORT, "
                                    "FORUM_MAIL_USE_TLS or FORUM_MAIL_USE_SSL, "
                                    "FORUM_MAIL_USERNAME, FORUM_MAIL_PASSWORD, "
                                    "FORUM_MAIL_SENDER) to send mail by SMTP.")
        self.config = config
        self.connection = None

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self._close()
        return False

    def _connect(self):
        config = self.config
        host, timeout = config["MAIL_SERVER"], config["MAIL_TIMEOUT"]
        port = config.get("MAIL_PORT") or (465 if config.get("MAIL_USE_SSL") else 25)
        context = ssl.create_default_context()
        if config.get("MAIL_USE_SSL"):
            connection = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
                connection.starttls(context=context)
            if config.get("MAIL_USERNAME"):
                connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        except BaseException:
            connection.close()
            raise
        self.connection = connection

    def _close(self):
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None

    def send(self, message_id: int, kind: str, mail: EmailMessage) -> str:
        if self.connection is None:
            self._connect()
        try:
            self.connection.send_message(mail)
        except smtplib.SMTPRecipientsRefused:
            raise  # the connection is still good for the next message
        except (smtplib.SMTPException, OSError):
            self._close()  # the next message starts a fresh connection
            raise
        return f"sent to {self.config['MAIL_SERVER']}"


def make_backend(app):
    choice = app.config.get("MAIL_BACKEND") or ("smtp" if app.config.get("MAIL_SERVER")
                                                 else "file")
    if choice == "smtp":
        return SmtpBackend(app)
    if choice == "file":
        return FileBackend(app)
    raise MailNotConfigured(f"Unknown MAIL_BACKEND {choice!r}: use 'file' or 'smtp'.")


def _claim(now: datetime, limit: int) -> list[tuple[int, str, EmailMessage]]:
    """Take up to `limit` due messages for this sender, in one short transaction."""
    query = (select(OutboxMessage)
             .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = []
    config = current_app.config
    for message in db.session.scalars(query):
        message.attempts += 1
        message.next_attempt_at = now + max(CLAIM_LEASE, backoff(message.attempts))
        claimed.append((message.id, message.kind, build_message(message, config)))
    db.session.commit()
    return claimed


def _record_success(message_id: int, now: datetime) -> None:
    message = db.session.get(OutboxMessage, message_id)
    if message is not None:  # erased meanwhile: nothing left to record
        message.sent_at = now
        message.last_error = None
        # Sent is sent: the body (a reset link, a notification) is not kept.
        message.text = ""
        message.html = None
    db.session.commit()


def _record_failure(message_id: int, now: datetime, error: BaseException) -> datetime | None:
    message = db.session.get(OutboxMessage, message_id)
    retry_at = None
    if message is not None:
        retry_at = now + backoff(message.attempts)
        message.next_attempt_at = retry_at
        message.last_error = f"{type(error).__name__}: {error}"[:500]
    db.session.commit()
    return retry_at


def send_due(*, now: datetime | None = None, limit: int | None = None) -> SendReport:
    """Send every message that is due (one batch of at most `limit`); returns what
    happened. Failures are recorded and retried later, never raised."""
    app = current_app._get_current_object()
    now = now or utcnow()
    limit = limit or app.config["MAIL_BATCH_SIZE"]
    report = SendReport()
    backend = make_backend(app)  # before claiming: a misconfiguration claims nothing
    claimed = _claim(now, limit)
    if not claimed:
        return report
    with backend:
        for message_id, kind, mail in claimed:
            try:
                outcome = backend.send(message_id, kind, mail)
            except Exception as error:  # noqa: BLE001  (any failure: record it, retry later)
                db.session.rollback()
                retry_at = _record_failure(message_id, now, error)
                report.failed.append(message_id)
                log.warning("mail %d (%s) failed, attempt retried at %s: %s", message_id,
                            kind, retry_at, type(error).__name__)
            else:
                _record_success(message_id, now)
                report.sent.append(message_id)
                log.info("mail %d (%s) %s", message_id, kind, outcome)
    return report


def send_all_due(*, now: datetime | None = None) -> SendReport:
    """Batches until nothing due is left (each message tried once per call)."""
    total = SendReport()
    while True:
        report = send_due(now=now)
        total.sent += report.sent
        total.failed += report.failed
        if not report or len(report.sent) + len(report.failed) < current_app.config["MAIL_BATCH_SIZE"]:
            return total


def forget_sent(*, now: datetime | None = None) -> int:
    """Delete sent messages older than MAIL_KEEP_SENT_DAYS (their address, kind, time)."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["MAIL_KEEP_SENT_DAYS"])
    removed = db.session.execute(delete(OutboxMessage).where(
        OutboxMessage.sent_at.is_not(None), OutboxMessage.sent_at < cutoff)).rowcount
    db.session.commit()
    return removed


def waiting() -> int:
    return db.session.scalar(select(db.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.sent_at.is_(None))) or 0
