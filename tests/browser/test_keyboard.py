"""Keyboard only: Tab, Shift+Tab, Enter and typing reach and use everything a member
needs on a thread, and the focused element is always visibly marked and on screen."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MAX_TABS = 80

# What a sighted keyboard user sees of the focused element.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {nothing: true};
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow !== "none";
  const box = el.getBoundingClientRect();
  const onScreen = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
                   && box.top < innerHeight && box.left < innerWidth;
  return {
    nothing: false, marked: outline || shadow, onScreen,
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name"),
    text: (el.innerText || el.value || "").trim().slice(0, 60),
    html: el.outerHTML.slice(0, 160),
    outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
  };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUS_STATE)


def assert_focus_visible(page) -> dict:
    state = focused(page)
    assert not state["nothing"], "Tab moved focus to nothing"
    assert state["marked"], f"no visible focus indicator ({state['outline']}) on {state['html']}"
    assert state["onScreen"], f"focused element is off screen: {state['html']}"
    return state


def tab_to(page, wanted, *, key="Tab") -> dict:
    """Press Tab until `wanted(state)`; every element passed on the way shows its focus."""
    # A Tab pressed in the instant a page (at an #anchor) is shown can go nowhere, faster
    # than any person presses a key: let it load and paint two frames first.
    page.wait_for_load_state()
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        state = assert_focus_visible(page)
        if wanted(state):
            return state
    raise AssertionError(f"{MAX_TABS} presses of {key} never reached the element")


def is_link(text):
    return lambda s: s["tag"] == "a" and s["text"] == text


def is_button(text):
    return lambda s: s["tag"] == "button" and s["text"] == text


def is_field(name):
    return lambda s: s["name"] == name


def test_keyboard_only_login_reply_quote_and_edit(page, live_server):
    member, password = live_server.make_member("Keys")
    other, _ = live_server.make_member("Friend")
    thread_id = live_server.make_thread(other, body="Has anyone tried splitting the dose?")

    # Log in with the keyboard.
    page.goto("/login")
    tab_to(page, is_field("username"))
    page.keyboard.type(member)
    tab_to(page, is_field("password"))
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Welcome back, {member}.")).to_be_visible()

    # The skip link comes first, and takes focus past the navigation.
    page.goto(f"/t/{thread_id}")
    page.keyboard.press("Tab")
    state = assert_focus_visible(page)
    assert state["text"] == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Reply: reach the text box, write, reach the button, send.
    tab_to(page, is_field("body"))
    page.keyboard.type("Yes: three times a day, with food.")
    tab_to(page, is_button("Reply"))
    page.keyboard.press("Shift+Tab")  # and back again
    assert assert_focus_visible(page)["name"] == "body"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#p\d+$"))
    mine = page.locator("article.post").filter(has_text="three times a day")
    expect(mine).to_be_visible()

    # Quote the opening post: from the new post's anchor, back up to its Quote link.
    tab_to(page, is_link("Quote"), key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"quote=\d+#reply$"))
    expect(page.get_by_label("Your reply")).to_have_value(re.compile(rf"^\[{other} wrote\]"))
    tab_to(page, is_field("body"))
    page.keyboard.press("Control+End")
    page.keyboard.type("And it helped me too.")
    tab_to(page, is_button("Reply"))
    page.keyboard.press("Enter")
    quoting = page.locator("article.post").filter(has_text="And it helped me too.")
    expect(quoting.locator("blockquote")).to_contain_text("splitting the dose")

    # Edit it: the page opened at the new post's anchor, so Tab goes on into it.
    tab_to(page, is_link("Edit"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your post")
    tab_to(page, is_field("body"))
    page.keyboard.press("Control+End")
    page.keyboard.type(" (Edited: it still does.)")
    tab_to(page, is_button("Save"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your post is updated.")).to_be_visible()
    edited = page.locator("article.post").filter(has_text="it still does")
    expect(edited).to_contain_text("And it helped me too.")
    expect(edited.locator(".edited")).to_be_visible()

    # Log out from the navigation, still by keyboard.
    page.goto("/")
    tab_to(page, is_button("Log out"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("You are logged out.")).to_be_visible()
