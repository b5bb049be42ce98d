"""Issue #11 in a real browser: verify, reset, secure with two-factor, export, leave."""
import io
import json
import zipfile
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect

from .helpers import log_in

pytestmark = pytest.mark.browser
PASSPHRASE = "a long and private passphrase"


def _register(page, name):
    page.goto("/register")
    page.get_by_label("Username").fill(name)
    page.get_by_label("E-mail").fill(f"{name.lower()}@example.org")
    page.get_by_label("Password").fill(PASSPHRASE)
    page.get_by_label("I consent").check()
    page.get_by_label("I have read and accept").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")


def test_newcomer_verifies_forgets_the_password_and_resets_it(page, live_server):
    name = live_server.unique("Verifier")
    page.goto("/register")
    page.get_by_role("button", name="Register").click()  # nothing ticked, nothing typed
    expect(page.get_by_text("Tick this to register").first).to_be_visible()
    _register(page, name)
    page.get_by_role("link", name="/verify/").click()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("your e-mail address is confirmed")).to_be_visible()

    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill("not the passphrase")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Forgot your password?").first.click()
    page.get_by_label("E-mail").fill(f"{name.lower()}@example.org")
    page.get_by_role("button", name="Send the link").click()
    page.get_by_role("link", name="/reset/").click()
    page.get_by_label("New password").fill("an entirely new passphrase")
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_text("Your password is set")).to_be_visible()
    log_in(page, name, "an entirely new passphrase")


def test_member_secures_the_account_with_two_factor(page, new_context, live_server):
    name, password = live_server.make_member("Careful")
    log_in(page, name, password)
    page.goto("/settings")
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    expect(page.locator("figure.qr svg")).to_be_visible()
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    codes = page.locator("ul.recovery-codes code").all_inner_texts()
    assert len(codes) == 10

    other = new_context().new_page()
    other.goto("/login")
    other.get_by_label("Username").fill(name)
    other.get_by_label("Password").fill(password)
    other.get_by_role("button", name="Log in").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")
    other.get_by_label("Code").fill(codes[0])
    other.get_by_role("button", name="Log in").click()
    expect(other.get_by_text(f"Welcome back, {name}.")).to_be_visible()


def test_member_exports_and_then_leaves(page, new_context, live_server):
    name, password = live_server.make_member("Leaver")
    thread_id = live_server.make_thread(name, title="Leaving soon, thank you all", replies=1)
    log_in(page, name, password)
    page.goto("/settings")
    page.get_by_role("link", name="Export everything stored about you").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    data = json.loads(archive.read("forum-export.json"))
    assert data["sections"]["users"]["rows"][0]["username"] == name
    assert "Leaving soon, thank you all" in archive.read("forum-export.html").decode()

    page.goto("/settings")
    page.get_by_role("link", name="Delete your account").click()
    page.get_by_label("Remove their text everywhere").check()
    page.get_by_label("Your password").fill(password)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account is deleted")).to_be_visible()
    page.goto(f"/t/{thread_id}")
    expect(page.get_by_text("removed at the author's request").first).to_be_visible()
    expect(page.get_by_text("Leaving soon, thank you all")).to_have_count(0)
    assert page.goto(f"/u/{name}").status == 404
