"""A real server, a real browser: the fixtures every browser test uses.

- `live_server` (one per session): the app built from `config.TestConfig` with CSRF on,
  on its own seeded database, served by werkzeug on 127.0.0.1 (a free port) from a thread
  of this process, so tests can also write their data through the services.
- `site` (one per session): a populated forum for the page-type tests to look at.
- `browser` (one per session): the system Chromium; never a downloaded one.
- `page` (one per test): a fresh context, so cookies never leak from one test to another.
  Every request that leaves the machine is refused and fails the test; so does a
  stylesheet or icon that does not load, or a Content-Security-Policy violation.
- Screenshots go to the run's artifact folder (FORUM_TEST_ARTIFACTS, default
  test-artifacts/<timestamp>/); a failing test leaves a screenshot of its page there.
"""
import os
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from forum import create_app
from forum.extensions import db
from forum.seed import seed

from .helpers import DESKTOP, ROOT, slug
from .server import GENEROUS_LIMITS, ClosingRequestHandler, LiveServer, boom, closing
from .showcase import Site, build_site

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_MISSING = ("Chromium is not installed: run `apt-get install -y chromium` "
                    "(make test does this)")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-quic"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

_report_key = pytest.StashKey[dict]()
_artifacts_used = pytest.StashKey[Path]()


# ---- artifacts -------------------------------------------------------------------------

@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so fixtures can tell a failed test."""
    report = yield
    item.stash.setdefault(_report_key, {})[report.when] = report
    return report


def _failed(request) -> bool:
    reports = request.node.stash.get(_report_key, {})
    return any(report.failed for report in reports.values())


def pytest_terminal_summary(terminalreporter, config):
    folder = config.stash.get(_artifacts_used, None)
    if folder is not None:
        terminalreporter.write_sep("-", "browser test artifacts")
        terminalreporter.write_line(f"screenshots and pages saved in {folder}")


@pytest.fixture(scope="session")
def artifacts(request) -> Path:
    """This run's folder for screenshots and saved pages."""
    folder = os.environ.get("FORUM_TEST_ARTIFACTS")
    if folder:
        path = Path(folder)
    else:
        path = ROOT / "test-artifacts" / datetime.now().strftime("%Y%m%d-%H%M%S")
    path.mkdir(parents=True, exist_ok=True)
    request.config.stash[_artifacts_used] = path.resolve()
    return path


# ---- the live server -------------------------------------------------------------------

@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The live server's own database, never the one the unit tests drop and recreate.

    On SQLite: a file in this session's temporary folder (a file, not :memory:, because
    the server answers from several threads, each with its own connection). On
    PostgreSQL (FORUM_TEST_DATABASE_URL set): a database of its own, created on the same
    server for this session and dropped after it. The unit tests' `app_factory` drops
    every table of the test database, so sharing it would wipe the server's data between
    two browser tests (or a browser test's data would leak into a unit test); a separate
    database keeps both while the browser journeys still run on PostgreSQL for real.
    """
    base = os.environ.get("FORUM_TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        yield f"sqlite:///{tmp_path_factory.mktemp('live') / 'forum.db'}"
        return
    name = f"forum_browser_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def live_server(database_url):
    app = create_app(
        "config.TestConfig",
        SQLALCHEMY_DATABASE_URI=database_url,
        WTF_CSRF_ENABLED=True,          # the browser gets and sends real tokens
        PROPAGATE_EXCEPTIONS=False,     # show our 500 page, as in production
        **GENEROUS_LIMITS,
    )
    # Only this test app has it: the one way to see the real 500 page.
    app.add_url_rule("/__test__/error", "test_error", boom)
    with app.app_context():
        # The models' schema (test_migrations proves the migrations build the same one).
        db.create_all()
        seed()
    server = make_server("127.0.0.1", 0, closing(app), threaded=True,
                         request_handler=ClosingRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["SERVER_NAME_FOR_LINKS"] = url  # links in mail (issue #11) point here
    try:
        yield LiveServer(app=app, url=url)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()


# ---- the browser -----------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(CHROMIUM_MISSING, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Watch:
    """What a context did that a test must not: remote requests, broken resources."""
    remote_requests: list = field(default_factory=list)
    broken_resources: list = field(default_factory=list)
    csp_violations: list = field(default_factory=list)
    script_errors: list = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"request to a remote host (blocked): {u}" for u in self.remote_requests]
                + [f"resource failed to load: {u}" for u in self.broken_resources]
                + [f"Content-Security-Policy violation: {m}" for m in self.csp_violations]
                + [f"script error: {m}" for m in self.script_errors])


def _guard(watch: Watch):
    def route(route_):
        host = urlsplit(route_.request.url).hostname
        if host in LOCAL_HOSTS:
            route_.continue_()
        else:
            watch.remote_requests.append(route_.request.url)
            route_.abort("blockedbyclient")
    return route


@pytest.fixture
def new_context(browser, live_server, request, artifacts):
    """new_context(**options) -> a fresh, watched browser context (closed after the test)."""
    made = []

    def build(**options):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        watch = Watch()
        context.route("**/*", _guard(watch))

        def on_page(page):
            page.on("response", lambda r: (
                r.status >= 400 and r.request.resource_type != "document"
                and watch.broken_resources.append(f"{r.status} {r.url}")))
            page.on("console", lambda m: (
                m.type == "error" and "Content Security Policy" in m.text
                and watch.csp_violations.append(m.text)))
            page.on("pageerror", lambda e: watch.script_errors.append(str(e)))

        context.on("page", on_page)
        context.watch = watch
        made.append(context)
        return context

    yield build
    problems = []
    for number, context in enumerate(made):
        if _failed(request):
            for n, page in enumerate(context.pages):
                name = f"FAILED-{slug(request.node.nodeid)}-{number}-{n}.png"
                try:
                    page.screenshot(path=artifacts / name, full_page=True)
                except Exception as error:  # the page may be gone; keep going
                    print(f"could not screenshot the failed page: {error}")
        problems += context.watch.problems()
        context.close()
    if problems and not _failed(request):
        pytest.fail("The pages did something they must not:\n  " + "\n  ".join(problems),
                    pytrace=False)


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


# ---- a populated forum to look at ------------------------------------------------------

@pytest.fixture(scope="session")
def site(live_server, browser) -> Site:
    return build_site(live_server, browser)
