"""Real servers for the operations tests: PostgreSQL databases of their own, gunicorn in
subprocesses, a TCP relay that can cut a connection, and a small cookie-keeping client.

Everything listens on 127.0.0.1 on ports chosen at run time.
"""
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
GUNICORN = Path(sys.executable).with_name("gunicorn")
SECRET = secrets.token_urlsafe(48)


def pg_base_url():
    """The PostgreSQL the suite may use: FORUM_PG_TEST_URL, the suite's own, or `test`."""
    for name in ("FORUM_PG_TEST_URL", "FORUM_TEST_DATABASE_URL"):
        if os.environ.get(name, "").startswith("postgresql"):
            return make_url(os.environ[name])
    return make_url("postgresql+psycopg://postgres@127.0.0.1:5432/test")


def redis_url() -> str:
    return os.environ.get("FORUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def fresh_pg_database(suffix: str) -> str:
    """An empty PostgreSQL database `<suite database>_<suffix>`; its URL."""
    base = pg_base_url()
    name = f"{base.database}_{suffix}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n "
                "AND pid <> pg_backend_pid()"), {"n": name})
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"PostgreSQL is not reachable at {base} ({error}); `make test` starts it.")
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TcpRelay:
    """127.0.0.1:<port> -> target, in threads. `cut()` drops every connection and refuses
    new ones (as a dead network would) until `restore()`."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.lock = threading.Lock()
        self.sockets: set[socket.socket] = set()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def cut(self):
        self.open = False
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.sockets.clear()

    def restore(self):
        self.open = True

    def close(self):
        self.closed = True
        self.cut()
        self.listener.close()


class Client:
    """A browser, roughly: cookies, CSRF tokens read from forms, no redirects followed."""

    def __init__(self, port: int, scheme: str = "http", host: str = "127.0.0.1",
                 context=None, headers: dict | None = None):
        self.port, self.scheme, self.host, self.context = port, scheme, host, context
        self.headers = headers or {}
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None,
                headers: dict | None = None):
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.scheme == "https":
            connection = http.client.HTTPSConnection(self.host, self.port, timeout=30,
                                                     context=self.context)
        else:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in header or "01 Jan 1970" in header or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        response.text = data.decode(errors="replace")
        return response

    def csrf_token(self, path: str) -> str:
        response = self.request("GET", path)
        match = CSRF.search(response.text)
        assert response.status == 200 and match, f"no form at {path} (HTTP {response.status})"
        return match.group(1)

    def post_form(self, path: str, form_page: str, fields: dict):
        return self.request("POST", path, {"csrf_token": self.csrf_token(form_page), **fields})

    def log_in(self, username: str, password: str):
        return self.post_form("/login", "/login",
                              {"username": username, "password": password, "next": ""})


def forum_env(database_url: str, **extra) -> dict:
    """The environment of a production-like forum process (config.Config + FORUM_*)."""
    env = dict(os.environ, FORUM_DATABASE_URL=database_url, FORUM_SECRET_KEY=SECRET,
               FORUM_RATELIMIT_STORAGE_URI=redis_url(), PYTHONPATH=str(ROOT))
    env.pop("FORUM_TEST_DATABASE_URL", None)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def wait_until_serving(port: int, process, log: Path, scheme="http", context=None,
                       path="/healthz", seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        try:
            if Client(port, scheme, context=context).request("GET", path).status < 500:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"nothing serving on port {port}: {log.read_text()[-3000:]}")


def start_gunicorn(env: dict, port: int, log: Path, workers: int = 1, cwd: Path = ROOT,
                   gunicorn: Path = GUNICORN, app: str = "forum:create_app()"):
    process = subprocess.Popen(
        [str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "30",
         "--error-logfile", "-", app],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=_append(log))
    wait_until_serving(port, process, log)
    return process


def _append(log: Path) -> int:
    """A file descriptor for the child's stderr (closed here once the child has it)."""
    import atexit
    descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    atexit.register(os.close, descriptor)
    return descriptor


def stop(process) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def build_schema(database_url: str) -> None:
    """The models' tables, and the cast's accounts (factories' password)."""
    code = (
        "import sys; sys.path[:0] = [sys.argv[2]]\n"
        "from forum import create_app\n"
        "from forum.extensions import db\n"
        "from tests import factories\n"
        "app = create_app('config.TestConfig', SQLALCHEMY_DATABASE_URI=sys.argv[1])\n"
        "with app.app_context():\n"
        "    db.create_all()\n"
        "    factories.make_user('alice'); factories.make_user('bob')\n"
        "    factories.make_thread(factories.make_user('tess'), title='Week one')\n"
    )
    subprocess.run([sys.executable, "-c", code, database_url, str(ROOT)], check=True,
                   cwd=ROOT, env={k: v for k, v in os.environ.items()
                                  if k != "FORUM_TEST_DATABASE_URL"})


def populate_forum() -> dict:
    """A small forum of every kind of row (in the pushed app context): members, threads,
    replies, an edit (a revision), flags, moderation log entries, notifications and a
    private message. Returns the names and ids a test needs."""
    from forum.flags.services import flag_post
    from forum.messages.services import start_conversation
    from forum.moderation.services import hide_post
    from forum.models import FlagReason, Role
    from forum.threads.services import edit_post, reply

    from . import factories
    alice = factories.make_user("alice")
    bob = factories.make_user("bob")
    mia = factories.make_user("mia", role=Role.MODERATOR)
    thread = factories.make_thread(alice, title="Three months at 90 mg", replies=2,
                                   replier=bob)
    first = thread.posts[0] if hasattr(thread, "posts") else None
    answer = reply(bob, thread, body="Same for me: **sleep** is better.").post
    edit_post(bob, answer, body="Same for me: **sleep** is much better, evenings too.")
    flag_post(alice, answer, reason=FlagReason.SPAM)
    hide_post(mia, answer, reason="Advertising a pharmacy.")
    start_conversation(mia, bob, subject="About your post", body="Can we talk about it?")
    factories.make_thread(bob, title="Tapering down", body="Day one of the taper.")
    ids = {"thread_id": thread.id, "hidden_post_id": answer.id,
           "first_post_id": first.id if first is not None else None}
    # Reading those ids began a transaction (on SQLite, holding the write lock): end it,
    # as a finished request would, so backups and copies can read.
    from forum.extensions import db
    db.session.remove()
    return ids
