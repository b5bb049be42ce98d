"""User markdown -> safe HTML.

:func:`render` parses a post once and returns its HTML with what the posting
rules need to know about it (:class:`Rendered`); :func:`render_markdown` is the
HTML alone. Rendering runs two stages:

1. markdown-it-py with the ``js-default`` preset (CommonMark plus tables and
   strikethrough, raw HTML *not* passed through: ``<script>`` typed by a user
   comes out as escaped text). Two render rules are replaced: headings are
   demoted (``#`` becomes ``<h3>``) and images become plain links. Parsing
   is bounded so that no post of MAX_SOURCE_CHARS costs more than some tens
   of milliseconds: the link label and destination scanners are replaced by
   cheaper ones, and a post that would need more than MAX_RENDER_WORK is
   refused with MarkupTooComplex (see "bounded parsing").
2. nh3 (ammonia) with an explicit allow-list of tags, attributes and URL
   schemes, which also adds ``rel="nofollow noopener noreferrer ugc"`` to
   every link.

Stage 2 is the security boundary; stage 1 is not trusted to be safe on its
own, so everything it may emit is checked again.
"""

import re
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt, helpers
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.linkify import linkify as linkify_rule

# markdown-it's recursion limit (the js-default preset's is 100; CommonMark's
# 20). Blocks nested deeper are dropped (markdown-it's behaviour), which for
# lists means about nine levels, since each level counts twice (list and
# item). Brackets and emphasis deeper than that stay as literal text.
MAX_NESTING = 20

# The post form already enforces this; the check here only guards against a
# caller that forgot, since the budgets below are sized for it.
MAX_SOURCE_CHARS = 20_000

# Rendering time grows with the number of tokens markdown-it makes (a
# paragraph is three, a list item with its text five or six, each emphasis
# mark or run of plain text one), with the number of lines, on each of which
# the block rules are tried, and with the number of links, whose addresses
# are each parsed, IDNA-encoded and percent-encoded. Counted in tokens, a
# line costs LINE_WORK and a link LINK_WORK. The densest real documents we
# measured (851 pieces of 20,000 characters of release notes and API
# references) need at most 8,000; 20,000 characters of "- a" lines need over
# 30,000 and took 130 ms. A post that needs more than MAX_RENDER_WORK is
# refused (MarkupTooComplex) as soon as it is spent, so refusing is cheap.
MAX_RENDER_WORK = 12_000
LINK_WORK = 10
LINE_WORK = 2

# How many steps markdown-it may spend, in one post, looking for the "]" that
# closes a link or image label. Each unmatched "[" is rescanned from every
# enclosing bracket up to MAX_NESTING deep, so 20,000 of them cost some 800,000
# steps (a fifth to a third of a second). Once the budget is spent, any
# further "[" stays literal text. Ordinary posts use a few hundred (the
# densest document we measured, 1,100): each step is one token of link text.
MAX_LABEL_SCAN_STEPS = 20_000

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


class MarkupTooComplex(ValueError):
    """A post with more formatting than the forum will spend time rendering.

    The message is written for the post's author, to be shown on the form.
    """

    def __init__(self, message: str = (
            "This post has too much formatting for the forum to show: thousands of "
            "links, emphasis marks, headings, list items or table cells. Simplify it "
            "and post again.")):
        super().__init__(message)


@dataclass(frozen=True)
class Rendered:
    """A post's markdown, parsed once."""
    html: str            # safe HTML, exactly what render_markdown returns
    has_own_link: bool   # an http(s) or mailto link in the HTML, outside any blockquote


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
    src = token.attrGet("src") or ""
    if token.meta.get(_IN_LINK) or not src:
        return escapeHtml(alt)
    title = token.attrGet("title")
    title_attr = f' title="{escapeHtml(title)}"' if title else ""
    return f'<a href="{escapeHtml(src)}"{title_attr}>{escapeHtml(alt or src)}</a>'


_IN_LINK = "forum_in_link"


def _mark_images_in_links(state):
    # A core rule, run after inline parsing and linkify: one pass marks the
    # images inside a link for _image_as_link. (Counting, at render time, the
    # links open before each image was quadratic: 3,000 images took 0.4 s.)
    for block in state.tokens:
        depth = 0
        for token in block.children or ():
            if token.type == "link_open":
                depth += 1
            elif token.type == "link_close":
                depth -= 1
            elif token.type == "image" and depth > 0:
                token.meta[_IN_LINK] = True


# --- bounded parsing ---------------------------------------------------------
# What the post being rendered may still spend (MAX_RENDER_WORK and
# MAX_LABEL_SCAN_STEPS). render() sets it; a context variable, because
# markdown-it calls normalizeLink with the URL alone.

class _Budget:
    __slots__ = ("work", "label_steps")

    def __init__(self):
        self.work = MAX_RENDER_WORK
        self.label_steps = MAX_LABEL_SCAN_STEPS

    def spend(self, work: int) -> None:
        self.work -= work
        if self.work < 0:
            raise MarkupTooComplex()


_budget: ContextVar[_Budget] = ContextVar("forum_markup_budget")
_CONTENT_LINE = re.compile(r"^[ \t]*[^ \t\n]", re.MULTILINE)


class _BlockState(StateBlock):
    def __init__(self, *args):
        super().__init__(*args)
        self.budget = _budget.get()

    def push(self, ttype, tag, nesting):
        self.budget.spend(1)
        return super().push(ttype, tag, nesting)


class _InlineState(StateInline):
    def __init__(self, *args):
        super().__init__(*args)
        self.budget = _budget.get()
        self.last_close_bracket = self.src.rfind("]")  # for _parse_link_label

    def push(self, ttype, tag, nesting):
        self.budget.spend(1)
        return super().push(ttype, tag, nesting)

    def pushPending(self):
        self.budget.spend(1)
        return super().pushPending()


# markdown-it's ParserBlock.parse and ParserInline.parse, with the states
# above: the only change is the state's class.
def _parse_blocks(src, md, env, out_tokens):
    if not src:
        return None
    # Block rules are tried on every line, whether or not it makes a token
    # (a paragraph of 10,000 one-letter lines is three), so lines are paid
    # for up front.
    _budget.get().spend(LINE_WORK * len(_CONTENT_LINE.findall(src)))
    state = _BlockState(src, md, env, out_tokens)
    md.block.tokenize(state, state.line, state.lineMax)
    return state.tokens


def _parse_inline(src, md, env, out_tokens):
    state = _InlineState(src, md, env, out_tokens)
    md.inline.tokenize(state)
    for rule in md.inline.ruler2.getRules(""):
        rule(state)
    return state.tokens


def _normalize_link(url):
    # Every link, image, autolink and linkified address passes through here.
    _budget.get().spend(LINK_WORK)
    return normalizeLink(url)


def _parse_link_label(state, start, disableNested=False):
    """markdown-it's ``helpers.parseLinkLabel``, bounded.

    The same scan, step for step, except that it fails at once when no "]"
    follows ``start`` at all, and that every step is charged to the post's
    MAX_LABEL_SCAN_STEPS; when those are spent it fails, so the bracket stays
    literal text. A post within that budget, whose brackets nest less deeply
    than MAX_NESTING, gets the same labels as from the stock helper.
    """
    budget = state.budget
    if state.last_close_bracket <= start or budget.label_steps <= 0:
        return -1

    src = state.src
    old_pos = state.pos
    pos_max = state.posMax
    cache = state.cache
    skip_token = state.md.inline.skipToken
    pos = start + 1
    level = 1
    label_end = -1
    while pos < pos_max:
        budget.label_steps -= 1
        if budget.label_steps < 0:
            break
        marker = src[pos]
        if marker == "]":
            level -= 1
            if level == 0:
                label_end = pos
                break
        # skipToken's own cache, read here to spare a call on most steps.
        next_pos = cache.get(pos)
        if next_pos is None:
            state.pos = pos
            skip_token(state)
            next_pos = state.pos
        if marker == "[":
            if next_pos == pos + 1:
                level += 1  # a "[" that is literal text, not the start of a token
            elif disableNested:
                break
        pos = next_pos
    state.pos = old_pos
    return label_end


# In a destination not in <...>: a run of characters with no special meaning
# (anything but space, controls, "\\", "(" and ")"), or backslash escapes.
_PLAIN_DESTINATION = re.compile(r"(?:[^\x00-\x20\x7f\\()]|\\[^ ])*")
# markdown-it allows 32 levels of parentheses in a link's address, and each
# "(" of 5,000 "[a](" then starts an address that runs on through the next
# 32. Nobody nests 8 in a real address.
MAX_DESTINATION_PARENS = 8


class _Destination:
    """The result markdown-it's link rules read from parseLinkDestination."""
    __slots__ = ("ok", "pos", "str")

    def __init__(self, ok=False, pos=0, string=""):
        self.ok, self.pos, self.str = ok, pos, string


def _parse_link_destination(string, pos, maximum):
    """markdown-it's ``helpers.parseLinkDestination``, with fewer steps.

    The stock helper reads an address one character at a time; here a regular
    expression skips each run of ordinary characters at once, and at most
    MAX_DESTINATION_PARENS levels of parentheses are followed (not 32).
    Otherwise the result is the same.
    """
    if pos >= maximum or string[pos] == "<":
        return helpers.parseLinkDestination(string, pos, maximum)
    start = pos
    level = 0
    while True:
        pos = _PLAIN_DESTINATION.match(string, pos, maximum).end()
        if pos >= maximum:
            break
        char = string[pos]
        if char == "(":
            level += 1
            if level > MAX_DESTINATION_PARENS:
                return _Destination()
        elif char == ")":
            if level == 0:
                break
            level -= 1
        elif not (char == "\\" and pos + 1 == maximum):
            # a space, a control character or a backslash before a space ends
            # it; a backslash that is the last character is an ordinary one
            break
        pos += 1
    if pos == start or level != 0:
        return _Destination()
    return _Destination(True, pos, unescapeAll(string[start:pos]))


def _linkify(state, silent):
    # markdown-it-py's inline linkify rule reads the scheme before "://" from
    # the pending text, which during a label scan (silent) belongs to the
    # text before the "[", so "ww.e.org[http://s://]" made it "match" without
    # moving on, and markdown-it raised RuntimeError (a 500 for the poster).
    # markdown-it (JavaScript) refuses such a match; so does this.
    pos = state.pos
    if state.src[pos] != ":":
        return False  # the rule's own first test, spared a call at every mark
    if linkify_rule(state, silent) and state.pos > pos:
        return True
    state.pos = pos
    return False


def _scheme(url: str) -> str | None:
    """The scheme ``url`` names, however disguised (lower case), or None.

    This reads the URL more strictly than a browser does: it also undoes
    percent-encoding, width variants and invisible characters.
    """
    decoded = unicodedata.normalize("NFKC", unquote(url))
    visible = "".join(
        ch for ch in decoded
        if not ch.isspace() and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
    ).lower()
    match = _SCHEME.match(visible)
    return match.group()[:-1] if match else None


def _has_allowed_scheme(url: str) -> bool:
    """False when ``url``, however disguised, names a scheme we do not allow.

    nh3 already drops unknown schemes, but it reads the URL as a standards-
    following browser would. The stricter reading of :func:`_scheme` makes
    links such as ``jav%09ascript:`` dropped rather than kept as odd relative
    paths.
    """
    scheme = _scheme(url)
    return scheme is None or scheme in ALLOWED_URL_SCHEMES


def _is_own_link(token) -> bool:
    # A link_open, or an image (shown as a link), that ends up in the HTML
    # with an absolute http(s) or mailto address. Relative links (quoting a
    # post on this forum) do not count.
    if token.type == "link_open":
        url = token.attrGet("href")
    elif token.type == "image" and not token.meta.get(_IN_LINK):
        url = token.attrGet("src")
    else:
        return False
    return bool(url) and _scheme(url) in ALLOWED_URL_SCHEMES


def _has_own_link(tokens) -> bool:
    quote_depth = 0
    for token in tokens:
        if token.type == "blockquote_open":
            quote_depth += 1
        elif token.type == "blockquote_close":
            quote_depth -= 1
        elif quote_depth == 0 and token.children and any(map(_is_own_link, token.children)):
            return True
    return False


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
_md.core.ruler.push("forum_images_in_links", _mark_images_in_links)
# The bounded parts (see "bounded parsing"), set on this instance only: any
# other MarkdownIt in the process keeps the stock ones.
_md.block.parse = _parse_blocks
_md.inline.parse = _parse_inline
_md.inline.ruler.at("linkify", _linkify)
_md.normalizeLink = _normalize_link
_md.helpers = SimpleNamespace(
    parseLinkDestination=_parse_link_destination,
    parseLinkLabel=_parse_link_label,
    parseLinkTitle=helpers.parseLinkTitle,
)

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel=LINK_REL,
    strip_comments=True,
)


def _parse(text: str, env: dict) -> list:
    budget = _budget.set(_Budget())
    try:
        return _md.parse(text, env)
    finally:
        _budget.reset(budget)


def render(text: str) -> Rendered:
    """Parse a user's markdown once: its safe HTML, and whether it has its own link.

    Raises ValueError for text longer than MAX_SOURCE_CHARS, and its subclass
    MarkupTooComplex, whose message is for the author, for a post that needs
    more than MAX_RENDER_WORK.
    """
    if len(text) > MAX_SOURCE_CHARS:
        raise ValueError(f"markdown source longer than {MAX_SOURCE_CHARS} characters")
    env = {}
    tokens = _parse(text, env)
    html = _cleaner.clean(_md.renderer.render(tokens, _md.options, env))
    return Rendered(html=html, has_own_link=_has_own_link(tokens))


def render_markdown(text: str) -> str:
    """Render a user's markdown as HTML that is safe to insert into a page.

    Raises ValueError as render() does.
    """
    return render(text).html
