"""Small helpers the browser tests share (fixtures live in conftest.py)."""
import re
from pathlib import Path

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def slug(text: str) -> str:
    """A file name made from a test or page name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120]


def log_in(page, username: str, password: str) -> None:
    """Through the real login form, as a person would."""
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(f"Welcome back, {username}.")).to_be_visible()


def screenshots(page, artifacts: Path, name: str) -> None:
    """Full-page screenshots at 1280 px and at 375 px wide; the viewport is put back."""
    size = page.viewport_size
    for label, viewport in (("1280", DESKTOP), ("375", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=artifacts / f"{slug(name)}-{label}.png", full_page=True)
    page.set_viewport_size(size)
