"""A link to `/resources#r<id>` in a post becomes a small citation of that resource.

This runs once, when a post is written, on HTML that nh3 has already sanitised: it
only replaces links it recognises, and everything it inserts comes from the resource
record, escaped. So a post cannot use it to inject markup.
"""
import re

from markupsafe import escape
from sqlalchemy import select

from ..extensions import db
from ..markup import render_markdown
from ..models import Resource

# The exact shape nh3 emits for a relative link to a resource anchor.
_RESOURCE_LINK = re.compile(
    r'<a href="/resources#r(\d{1,18})" rel="nofollow noopener noreferrer ugc">(.*?)</a>',
    re.DOTALL)


def cite_resources(html: str) -> str:
    ids = {int(link_id) for link_id, _text in _RESOURCE_LINK.findall(html)}
    if not ids:
        return html
    resources = {r.id: r for r in db.session.scalars(
        select(Resource).where(Resource.id.in_(ids), Resource.removed_at.is_(None)))}

    def citation(match: re.Match) -> str:
        resource = resources.get(int(match.group(1)))
        if resource is None:
            return match.group(0)  # unknown or removed: an ordinary link
        year = f" ({resource.year})" if resource.year else ""
        return (f'<a class="citation" href="/resources#r{resource.id}">'
                f'<cite>{escape(resource.title)}</cite>{escape(year)} · '
                f'<span class="evidence">{escape(resource.evidence_label)}</span></a>')

    return _RESOURCE_LINK.sub(citation, html)


def render_post(body: str) -> str:
    """A post's stored HTML: sanitised markdown, with resource links as citations."""
    return cite_resources(render_markdown(body))
