"""The Nu HTML Checker (vnu.jar) finds no error on any page type.

The HTML is what the server sent (not the browser's repaired DOM), saved under the run's
artifact folder in html/. vnu.jar comes from npm (`vnu-jar`) into .cache/vnu and runs on
Java; `make test` (scripts/test.sh) installs both when they are missing. The test itself
installs nothing: tests never reach beyond 127.0.0.1.
"""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .helpers import ROOT, slug
from .pages import PAGE_TYPES, open_page_type, storage_state

pytestmark = pytest.mark.browser

VNU_JAR = ROOT / ".cache" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA_MISSING = ("Java is not installed: run `apt-get install -y default-jre-headless` "
                "(make test does this)")
VNU_MISSING = ("The Nu HTML Checker is not installed: run `npm install --prefix .cache/vnu "
               "vnu-jar` (make test does this)")


@pytest.fixture(scope="session")
def vnu() -> list[str]:
    """The command that runs the checker."""
    java = shutil.which("java")
    if java is None:
        pytest.fail(JAVA_MISSING, pytrace=False)
    if not VNU_JAR.exists():
        pytest.fail(VNU_MISSING, pytrace=False)
    return [java, "-Xss8m", "-jar", str(VNU_JAR)]


def check_html(vnu: list[str], files: list[Path]) -> dict[str, list[dict]]:
    """{file name: [error messages]} for every file, from one run of the checker."""
    result = subprocess.run([*vnu, "--errors-only", "--format", "json", *map(str, files)],
                            capture_output=True, text=True, timeout=300)
    try:
        messages = json.loads(result.stderr)["messages"]  # vnu reports on stderr
    except (ValueError, KeyError):
        pytest.fail(f"the HTML checker did not run:\n{result.stderr}\n{result.stdout}")
    found = {path.name: [] for path in files}
    for message in messages:
        name = Path(message.get("url", "")).name
        found.setdefault(name, []).append(message)
    return found


def describe(message: dict) -> str:
    where = f"line {message.get('lastLine', '?')}, column {message.get('firstColumn', '?')}"
    extract = message.get("extract", "").replace("\n", "⏎")
    return f"{message['type']}: {message['message']}\n      {where}: {extract}"


def fetch_html(new_context, site, page_type) -> bytes:
    """What the server sends for this page type: fetched directly when a URL reaches it
    (no rendering, so fast), else through the browser steps that lead there."""
    if page_type.path:
        context = new_context(**storage_state(site, page_type))
        response = context.request.get(page_type.url(site), max_redirects=0)
        assert response.status == page_type.status, f"{page_type}: HTTP {response.status}"
        return response.body()
    page, response = open_page_type(new_context, site, page_type)
    return response.body()


def test_every_page_type_is_valid_html(new_context, site, artifacts, vnu):
    folder = artifacts / "html"
    folder.mkdir(exist_ok=True)
    files = []
    for page_type in PAGE_TYPES:
        path = folder / f"{slug(page_type.name)}.html"
        path.write_bytes(fetch_html(new_context, site, page_type))
        files.append(path)
    # Zero errors means something only if the checker finds one where there is one.
    broken = folder / "known-broken.html"
    broken.write_text("<!doctype html><html lang=en><title>x</title><p><div></p>")

    found = check_html(vnu, [*files, broken])
    assert found.pop(broken.name), "the checker found nothing wrong in known-broken HTML"
    errors = {name: messages for name, messages in found.items() if messages}
    report = "\n".join(f"{name}:\n    " + "\n    ".join(map(describe, messages))
                       for name, messages in sorted(errors.items()))
    assert not errors, f"the Nu HTML Checker found errors (pages in {folder}):\n{report}"

