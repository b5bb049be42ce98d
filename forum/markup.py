"""User markdown -> safe HTML.

The one public function, :func:`render_markdown`, runs two stages:

1. markdown-it-py with the ``js-default`` preset (CommonMark plus tables and
   strikethrough, raw HTML *not* passed through: ``<script>`` typed by a user
   comes out as escaped text). Two render rules are replaced: headings are
   demoted (``#`` becomes ``<h3>``) and images become plain links.
2. nh3 (ammonia) with an explicit allow-list of tags, attributes and URL
   schemes, which also adds ``rel="nofollow noopener noreferrer ugc"`` to
   every link.

Stage 2 is the security boundary; stage 1 is not trusted to be safe on its
own, so everything it may emit is checked again.
"""

import re
import unicodedata
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

# markdown-it's recursion limit. The js-default preset's 100 lets a post of
# 20,000 "[" take over a second to parse, because each unclosed bracket is
# rescanned up to that depth; at 20 (the CommonMark preset's value) the worst
# inputs we tried take about a quarter of a second. The cost: blocks nested
# deeper are dropped (markdown-it's behaviour), which for lists means about
# nine levels, since each level counts twice (list and item). Brackets and
# emphasis deeper than that stay as literal text.
MAX_NESTING = 20

# The post form already enforces this; the check here only guards against a
# caller that forgot, since parse time grows faster than linearly with length.
MAX_SOURCE_CHARS = 20_000

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}
# No id/name (they could clobber DOM globals or anchor targets on our own
# pages), no class/style (they could dress a post up as site UI).
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer ugc"

# The page itself uses <h1> and <h2>; a post's own headings sit below them so
# the outline stays in order.
_DEMOTED_HEADING = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6", "h6": "h6"}

_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*:")
# Characters a browser (or a confused one) might skip inside a scheme.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}


def _heading(self, tokens, idx, options, env):
    token = tokens[idx]
    token.tag = _DEMOTED_HEADING[token.tag]
    return self.renderToken(tokens, idx, options, env)


def _image_as_link(self, tokens, idx, options, env):
    # The forum makes no third-party request on any page, so a remote image
    # is never embedded: it becomes a link to the image, labelled with its
    # alt text (or its address when there is none). Inside a link, where a
    # nested <a> would be invalid, only the alt text is shown.
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children, options, env)
    depth = sum(
        (t.type == "link_open") - (t.type == "link_close") for t in tokens[:idx]
    )
    src = token.attrGet("src") or ""
    if depth > 0 or not src:
        return escapeHtml(alt)
    title = token.attrGet("title")
    title_attr = f' title="{escapeHtml(title)}"' if title else ""
    return f'<a href="{escapeHtml(src)}"{title_attr}>{escapeHtml(alt or src)}</a>'


def _has_allowed_scheme(url: str) -> bool:
    """False when ``url``, however disguised, names a scheme we do not allow.

    nh3 already drops unknown schemes, but it reads the URL as a standards-
    following browser would. This stricter reading also undoes percent-
    encoding, width variants and invisible characters, so that links such as
    ``jav%09ascript:`` are dropped rather than kept as odd relative paths.
    """
    decoded = unicodedata.normalize("NFKC", unquote(url))
    visible = "".join(
        ch for ch in decoded
        if not ch.isspace() and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
    ).lower()
    match = _SCHEME.match(visible)
    return match is None or match.group()[:-1] in ALLOWED_URL_SCHEMES


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href" and not _has_allowed_scheme(value):
        return None
    return value


# linkify: a bare "https://..." becomes a link, as people expect (linkify-it-py).
_md = (
    MarkdownIt("js-default", {"maxNesting": MAX_NESTING, "linkify": True})
    .enable(["table", "strikethrough", "linkify"])
)
_md.add_render_rule("heading_open", _heading)
_md.add_render_rule("heading_close", _heading)
_md.add_render_rule("image", _image_as_link)

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel=LINK_REL,
    strip_comments=True,
)


def render_markdown(text: str) -> str:
    """Render a user's markdown as HTML that is safe to insert into a page.

    Raises ValueError for text longer than MAX_SOURCE_CHARS.
    """
    if len(text) > MAX_SOURCE_CHARS:
        raise ValueError(f"markdown source longer than {MAX_SOURCE_CHARS} characters")
    return _cleaner.clean(_md.render(text))
