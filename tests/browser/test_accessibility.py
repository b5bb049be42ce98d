"""axe-core on every page type: zero WCAG 2.1 A and AA violations, in light and dark,
and nothing wider than a 320 px screen (Reflow, which axe does not test).

The main pages are also photographed at 1280 px and 375 px wide, and at 1280 px in dark
mode, into the run's artifact folder.
"""
import pytest
from axe_playwright_python.sync_playwright import Axe

from .helpers import screenshots, slug
from .pages import PAGE_TYPES, open_page_type

pytestmark = pytest.mark.browser

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA},
               "resultTypes": ["violations"]}
# In dark mode only the colours change: run the rules about colour again.
COLOUR_RULES = {"runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]},
                "resultTypes": ["violations"]}

axe = Axe()


def violations_report(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = node.get("failureSummary", "").replace("\n", "\n         ")
            lines.append(f"       {summary}")
    return "\n".join(lines)


def check(page, label: str, options: dict) -> str:
    """Run axe (injected once per page), return a readable report or ""."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe.axe_script)
    violations = page.evaluate("options => axe.run(document, options)", options)["violations"]
    if not violations:
        return ""
    return f"{label} ({page.url}):\n{violations_report(violations)}"


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=str)
def test_page_has_no_wcag_violations(page_type, new_context, site, artifacts):
    page, _response = open_page_type(new_context, site, page_type)
    failures = [check(page, "light", AXE_OPTIONS)]
    if page_type.main:
        screenshots(page, artifacts, page_type.name)

    page.emulate_media(color_scheme="dark")
    failures.append(check(page, "dark mode", COLOUR_RULES))
    if page_type.main:
        page.screenshot(path=artifacts / f"{slug(page_type.name)}-1280-dark.png",
                        full_page=True)

    # WCAG 1.4.10 Reflow, which axe does not test: at 320 px nothing scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > innerWidth + 1
                      && !el.closest('table, pre'))
        .map(el => el.outerHTML.slice(0, 120))""")
    if overflow:
        failures.append(f"reflow: wider than 320 px:\n  " + "\n  ".join(overflow[:5]))

    failures = [f for f in failures if f]
    assert not failures, "WCAG 2.1 A/AA failures on " + "\n".join(failures)


def test_axe_reports_a_violation(page):
    """Zero violations means something only if axe finds one when there is one."""
    page.goto("/login")
    page.evaluate("document.querySelector('label[for=username]').remove()")
    report = check(page, "label removed", AXE_OPTIONS)
    assert "label" in report and "#username" in report, report
