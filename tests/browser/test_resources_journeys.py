"""The resources section and the help page, end to end in a real browser.

A reader finds the pinned "Start here" resources and the helplines; a moderator curates
an entry (adds, reorders, pins, removes, each logged); a member cites a resource in a post.
Each test has its own members and names, so the tests run in any order.
"""
import re

import pytest
from playwright.sync_api import expect

from forum.models import Role

from .helpers import log_in
from .test_accessibility import AXE_OPTIONS, check

pytestmark = pytest.mark.browser

AMEISEN = "Complete and prolonged suppression of symptoms and consequences of alcohol-dependence"
ADDOLORATO = "Dose–response effect of baclofen in reducing daily alcohol intake"
GARBUTT = "Efficacy and tolerability of baclofen in a U.S. community population"


def _logged_in(new_context, live_server, prefix, **options):
    name, password = live_server.make_member(prefix, **options)
    page = new_context().new_page()
    log_in(page, name, password)
    return name, page


def _start_here(page):
    return page.get_by_role("complementary", name="Start here")


def _no_wcag_violations(page, label: str) -> None:
    report = check(page, label, AXE_OPTIONS)
    assert not report, "WCAG 2.1 A/AA failures on " + report


def test_reader_finds_pinned_resources_evidence_labels_and_helplines(page):
    page.goto("/")
    start_here = _start_here(page)
    expect(start_here.get_by_role("heading", level=2)).to_have_text("Start here")
    start_here.locator("summary").click()  # folded: the first thread stays on screen
    expect(start_here.locator("li").filter(has_text=AMEISEN)).to_contain_text(
        "Self-case report, 2005")
    expect(start_here.locator("li").filter(has_text=ADDOLORATO)).to_contain_text(
        "Secondary analysis of a trial, 2011")
    expect(start_here.get_by_role("link", name="Samaritans (UK and Ireland)")).to_be_visible()

    # The same list opens every category.
    page.get_by_role("link", name="Experiences with baclofen").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Experiences with baclofen")
    start_here = _start_here(page)
    start_here.locator("summary").click()
    expect(start_here.get_by_role("link", name=re.compile(f"^{AMEISEN}"))).to_be_visible()
    start_here.get_by_role("link", name="All resources →").click()

    expect(page).to_have_url(re.compile(r"/resources$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Resources")
    sections = page.get_by_role("navigation", name="Sections")
    for section in ("Research papers", "Books", "Helplines & support"):
        expect(sections.get_by_role("link", name=section)).to_be_visible()
        expect(page.get_by_role("region", name=section)).to_be_visible()
    research = page.get_by_role("region", name="Research papers")
    addolorato = research.locator("article.resource").filter(has_text=ADDOLORATO)
    expect(addolorato.locator(".evidence")).to_have_text("Secondary analysis of a trial")
    expect(addolorato.locator(".resource-meta")).to_contain_text(
        "Addolorato G, Leggio L, Ferrulli A")
    expect(addolorato.locator(".resource-meta")).to_contain_text("(2011)")
    expect(addolorato.locator(".resource-meta")).to_contain_text("doi:10.1093/alcalc/agr017")
    expect(addolorato.locator(".resource-summary")).to_contain_text(
        "a secondary analysis can suggest but not establish an effect")
    expect(addolorato.get_by_role("link", name=re.compile(f"^{ADDOLORATO}"))
           ).to_have_attribute("href", "https://doi.org/10.1093/alcalc/agr017")
    expect(research.locator("article.resource").filter(has_text=AMEISEN).locator(".evidence")
           ).to_have_text("Self-case report")
    books = page.get_by_role("region", name="Books")
    expect(books.locator("article.resource").filter(has_text="The End of My Addiction")
           .locator(".evidence")).to_have_text("Book")

    # Every link that leaves the site gives away neither the page nor a window handle.
    outbound = page.get_by_role("main").locator("a[href^='http'], a[href^='tel:']")
    expect(outbound.first).to_be_visible()
    links = outbound.evaluate_all("els => els.map(a => [a.getAttribute('href'), a.rel])")
    assert len(links) >= 8, links
    for href, rel in links:
        tokens = rel.split()
        assert "noopener" in tokens and "noreferrer" in tokens, (href, rel)

    sections.get_by_role("link", name="Helplines & support").click()
    expect(page).to_have_url(re.compile(r"/resources#section-helplines$"))
    helplines = page.get_by_role("region", name="Helplines & support")
    expect(helplines).to_be_in_viewport()
    expect(helplines.get_by_role("link", name="Samaritans (UK and Ireland)")
           ).to_have_attribute("href", "tel:116123")

    # The help page, from the menu: the crisis lines first.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Help").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Need help now?")
    lines = page.get_by_role("region", name="If you are in danger or can't cope")
    samaritans = lines.get_by_role("listitem").filter(has_text="Samaritans (UK and Ireland)")
    expect(samaritans).to_contain_text("Call 116 123, free, 24 hours a day")
    expect(samaritans.get_by_role("link", name="Samaritans (UK and Ireland)")
           ).to_have_attribute("href", "tel:116123")
    expect(lines.get_by_role("link", name="988 Suicide & Crisis Lifeline (US)")
           ).to_have_attribute("href", "tel:988")
    expect(lines).to_contain_text("Drinkline (UK): Call 0300 123 1110")
    expect(lines).to_contain_text("999 in the UK, 112 in Ireland and the EU, 911 in the US")
    # Grouped by country (issue #10).
    for country in ("Ireland", "Canada", "Australia", "New Zealand", "France", "Germany",
                    "Spain"):
        expect(lines.get_by_role("heading", name=country, exact=True)).to_be_visible()


def test_moderator_adds_orders_pins_and_removes_a_resource(new_context, live_server):
    tag = live_server.unique("")
    title = f"Baclofen for alcohol use disorder: a randomised trial {tag}"
    removal = f"Duplicate of an entry we already list ({tag})."
    _, mod = _logged_in(new_context, live_server, "Curator", role=Role.MODERATOR)

    mod.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Queue")).click()
    mod.get_by_role("link", name="Curate resources").click()
    mod.get_by_role("link", name="Add a resource").click()
    expect(mod.get_by_role("heading", level=1)).to_have_text("Add a resource")
    mod.get_by_label("Section").select_option(label="Research papers")
    mod.get_by_label("Title").fill(title)
    mod.get_by_label("Authors").fill("Example A, Sample B")
    mod.get_by_label("Year").fill("18")  # a slip of the keyboard
    mod.get_by_label("Journal or publisher").fill("Journal of Examples 12(3):45–67")
    mod.get_by_label("DOI").fill("10.1000/example.2018.001")
    mod.get_by_label("Kind of evidence").select_option(label="Randomised controlled trial")
    mod.get_by_label("What it shows, and what it does not").fill(
        "A small trial; it does not tell us about high doses.")
    mod.get_by_label("Note for the moderation log (optional)").fill("Asked for by members.")
    mod.get_by_role("button", name="Save").click()

    year = mod.get_by_label("Year")
    expect(year).to_have_attribute("aria-invalid", "true")
    expect(mod.get_by_text("Give the year of publication, e.g. 2011.")).to_be_visible()
    expect(mod.get_by_label("Title")).to_have_value(title)  # nothing typed is lost
    _no_wcag_violations(mod, "the resource form with an error")
    year.fill("2018")
    mod.get_by_role("button", name="Save").click()
    expect(mod.get_by_text("Added.", exact=True)).to_be_visible()

    # New entries go to the end of their section; the moderator moves it up one place.
    research = mod.get_by_role("region", name="Research papers")
    entries = research.locator("ol.curation > li")
    entry = entries.filter(has_text=title)
    expect(entry).to_contain_text("Randomised controlled trial, 2018")
    expect(entries.last).to_contain_text(title)
    expect(entry.get_by_role("button", name="Move down")).to_have_count(0)
    entry.get_by_role("button", name="Move up").click()
    expect(mod.get_by_text("Moved up.")).to_be_visible()
    expect(entries.last).not_to_contain_text(title)
    expect(entries.nth(-2)).to_contain_text(title)
    expect(entries.last).to_contain_text(GARBUTT)

    entry.get_by_role("button", name="Pin", exact=True).click()
    expect(mod.get_by_text("Pinned.")).to_be_visible()
    expect(entry).to_contain_text("· pinned")
    expect(entry.get_by_role("button", name="Unpin")).to_be_visible()

    # Readers see it where they start, and in its place in the section.
    reader = new_context().new_page()
    reader.goto("/")
    expect(_start_here(reader).locator("li").filter(has_text=title)).to_contain_text(
        "Randomised controlled trial, 2018")
    _start_here(reader).locator("summary").click()
    _start_here(reader).get_by_role("link", name=title).click()
    expect(reader).to_have_url(re.compile(r"/resources#r\d+$"))
    listed = reader.get_by_role("region", name="Research papers").locator("article.resource")
    new_entry = listed.filter(has_text=title)
    expect(new_entry).to_be_in_viewport()
    expect(new_entry.locator(".evidence")).to_have_text("Randomised controlled trial")
    expect(new_entry.get_by_role("link", name=title)).to_have_attribute(
        "href", "https://doi.org/10.1000/example.2018.001")
    expect(listed.nth(-2)).to_contain_text(title)
    expect(listed.last).to_contain_text(GARBUTT)

    # Removed, with a reason: gone from the list and from "Start here", kept in the log.
    entry.get_by_label("Reason to remove").fill(removal)
    entry.get_by_role("button", name="Remove").click()
    expect(mod.get_by_text("Removed.", exact=True)).to_be_visible()
    expect(research.locator("ol.curation > li").filter(has_text=title)).to_have_count(0)
    reader.goto("/")
    expect(_start_here(reader)).not_to_contain_text(title)
    _start_here(reader).locator("summary").click()
    expect(_start_here(reader).locator("li").filter(has_text=AMEISEN)).to_be_visible()
    reader.goto("/resources")
    expect(reader.get_by_role("main")).not_to_contain_text(title)

    reader.get_by_role("contentinfo").get_by_role("link", name="Moderation log").click()
    row = reader.locator("table.log tbody tr").filter(has_text=removal)
    expect(row).to_contain_text("removed a resource")
    expect(row).to_contain_text(title)
    expect(row.get_by_role("link")).to_have_count(0)  # nothing to link to any more
    for action in ("added a resource", "reordered a resource", "pinned a resource"):
        expect(reader.locator("table.log tbody tr").filter(has_text=title).filter(
            has_text=action)).to_have_count(1)


def test_a_reply_citing_a_resource_shows_its_year_and_kind_of_evidence(new_context,
                                                                       live_server):
    tag = live_server.unique("")
    _, member = _logged_in(new_context, live_server, "Reader")
    thread_id = live_server.make_thread(live_server.make_member("Asker")[0],
                                        title=f"Is there any trial evidence? {tag}",
                                        body="Has anyone read the trials?")

    # The member looks the paper up, and links to its entry from a reply.
    member.goto("/resources")
    paper = member.locator("article.resource").filter(has_text=ADDOLORATO)
    anchor = paper.get_attribute("id")
    assert re.fullmatch(r"r\d+", anchor), anchor
    member.goto(f"/t/{thread_id}")
    member.get_by_label("Your reply").fill(
        f"The dose–response paper is worth reading: [see](/resources#{anchor}). {tag}")
    member.get_by_role("button", name="Reply").click()

    post = member.locator("article.post").filter(has_text="is worth reading")
    citation = post.get_by_role("link", name=re.compile(f"^{ADDOLORATO}"))
    expect(citation).to_have_class(re.compile(r"\bcitation\b"))
    expect(citation).to_have_attribute("href", f"/resources#{anchor}")
    expect(citation.locator("cite")).to_have_text(re.compile(f"^{ADDOLORATO}"))
    expect(citation).to_contain_text("(2011) · Secondary analysis of a trial")
    expect(citation.locator(".evidence")).to_have_text("Secondary analysis of a trial")
    expect(post.get_by_role("link", name="see", exact=True)).to_have_count(0)
    _no_wcag_violations(member, "a post citing a resource")

    # Readers see the same citation, and it leads to the entry.
    reader = new_context().new_page()
    reader.goto(f"/t/{thread_id}")
    cited = reader.locator("article.post").filter(has_text="is worth reading").locator(
        "a.citation")
    expect(cited).to_contain_text("(2011) · Secondary analysis of a trial")
    cited.click()
    expect(reader).to_have_url(re.compile(rf"/resources#{anchor}$"))
    expect(reader.locator(f"#{anchor}")).to_be_in_viewport()
