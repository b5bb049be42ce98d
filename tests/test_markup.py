"""forum.markup: rendering, a table of hostile inputs checked on the parsed output,
pathological inputs, and render()'s has_own_link."""

import dataclasses
import random
import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt

from forum import markup
from forum.markup import (
    MAX_NESTING, MAX_SOURCE_CHARS, MarkupTooComplex, render, render_markdown,
)

EXPECTED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}
FORBIDDEN_TAGS = {
    "script", "style", "iframe", "svg", "math", "form", "img", "base", "meta",
    "object", "embed", "link", "input", "template", "video", "source", "details",
}
FORBIDDEN_ATTRIBUTES = {"style", "id", "name", "class", "src", "srcdoc", "action", "formaction"}
SAFE_SCHEMES = {"http", "https", "mailto"}
REL = {"nofollow", "noopener", "noreferrer", "ugc"}


class _Elements(HTMLParser):
    """Collects (tag, {attribute: value}) for every start tag, values unescaped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html):
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def elements(html):
    return parse(html).elements


def text_of(html):
    return "".join(parse(html).text)


def href_scheme(href):
    """The scheme a lenient reader could see in href, or None if it is relative.

    Undoes percent-encoding and width variants and drops every whitespace,
    control and invisible character, so disguised schemes are caught too.
    """
    value = unicodedata.normalize("NFKC", unquote(href))
    value = "".join(ch for ch in value if ch.isprintable() and not ch.isspace()).lower()
    match = re.match(r"([a-z][a-z0-9+.\-]*):", value)
    return match.group(1) if match else None


def assert_safe(html):
    for tag, attrs in elements(html):
        assert tag in EXPECTED_TAGS, f"unexpected <{tag}> in {html!r}"
        assert tag not in FORBIDDEN_TAGS
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler {name} in {html!r}"
            assert name not in FORBIDDEN_ATTRIBUTES, f"{name} attribute in {html!r}"
            assert ":" not in name, f"namespaced attribute {name} in {html!r}"
        if "href" in attrs:
            scheme = href_scheme(attrs["href"] or "")
            assert scheme in SAFE_SCHEMES | {None}, f"{scheme}: link in {html!r}"
            assert scheme not in {"javascript", "data", "vbscript"}


def links(html):
    return [attrs for tag, attrs in elements(html) if tag == "a"]


# --- normal rendering ----------------------------------------------------------------

def test_bold_and_italic():
    html = render_markdown("**bold** and *italic* and _also_")
    assert [tag for tag, _ in elements(html)] == ["p", "strong", "em", "em"]
    assert text_of(html).strip() == "bold and italic and also"


def test_lists():
    html = render_markdown("- one\n- two\n\n1. first\n2. second\n")
    assert [tag for tag, _ in elements(html)] == ["ul", "li", "li", "ol", "li", "li"]


def test_ordered_list_keeps_its_start_number():
    (ol, _li) = elements(render_markdown("7. seventh\n"))
    assert ol == ("ol", {"start": "7"})


def test_link_has_href_title_and_rel():
    (link,) = links(render_markdown('[site](https://example.org/x "Example")'))
    assert link["href"] == "https://example.org/x"
    assert link["title"] == "Example"
    assert set(link["rel"].split()) == REL


def test_autolink():
    (link,) = links(render_markdown("<https://example.org>"))
    assert link["href"] == "https://example.org"


def test_bare_url_is_linkified_with_rel():
    (link,) = links(render_markdown("see https://example.org/x?y=1 today"))
    assert link["href"] == "https://example.org/x?y=1"
    assert set(link["rel"].split()) == {"nofollow", "noopener", "noreferrer", "ugc"}


def test_bare_javascript_is_not_linkified():
    assert links(render_markdown("javascript:alert(1) and www.example.org")) == [
        {"href": "http://www.example.org", "rel": "nofollow noopener noreferrer ugc"}]


@pytest.mark.parametrize("href", ["/p/5", "/resources#r3", "/t/12?page=2", "#top"])
def test_relative_links_are_kept(href):
    (link,) = links(render_markdown(f"[quoted]({href})"))
    assert link["href"] == href


def test_mailto_is_kept():
    html = render_markdown("[mail](mailto:help@example.org) <mailto:a@example.org>")
    assert [link["href"] for link in links(html)] == ["mailto:help@example.org", "mailto:a@example.org"]


def test_blockquote():
    html = render_markdown("> quoted\n> text\n\nreply")
    assert [tag for tag, _ in elements(html)] == ["blockquote", "p", "p"]


def test_code_block_escapes_html():
    html = render_markdown("```html\n<b onclick=\"x()\">hi</b>\n```")
    assert [tag for tag, _ in elements(html)] == ["pre", "code"]
    assert text_of(html).strip() == '<b onclick="x()">hi</b>'
    assert "&lt;b" in html


def test_inline_code_escapes_html():
    html = render_markdown("use `<br>` here")
    assert [tag for tag, _ in elements(html)] == ["p", "code"]
    assert "<br>" in text_of(html)


def test_raw_html_is_shown_as_text():
    html = render_markdown("<b>not bold</b>")
    assert [tag for tag, _ in elements(html)] == ["p"]
    assert text_of(html).strip() == "<b>not bold</b>"


def test_headings_are_demoted_below_the_page_headings():
    html = render_markdown("# a\n\n## b\n\n### c\n\n#### d\n\n###### f")
    assert [tag for tag, _ in elements(html)] == ["h3", "h4", "h5", "h6", "h6"]


def test_tables_render_without_alignment_styles():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |")
    tags = [tag for tag, _ in elements(html)]
    assert tags == ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]
    assert all(attrs == {} for _, attrs in elements(html))


def test_strikethrough():
    assert [tag for tag, _ in elements(render_markdown("~~gone~~"))] == ["p", "s"]


def test_hard_line_break():
    assert [tag for tag, _ in elements(render_markdown("a\\\nb"))] == ["p", "br"]


def test_image_becomes_a_link_labelled_with_its_alt_text():
    html = render_markdown('![a *cat*](https://example.org/cat.png "Cat")')
    assert elements(html) == [("p", {}), ("a", {
        "href": "https://example.org/cat.png", "title": "Cat",
        "rel": "nofollow noopener noreferrer ugc",
    })]
    assert text_of(html).strip() == "a cat"


def test_image_without_alt_text_is_labelled_with_its_address():
    html = render_markdown("![](https://example.org/cat.png)")
    assert text_of(html).strip() == "https://example.org/cat.png"


def test_image_inside_a_link_shows_only_its_alt_text():
    html = render_markdown("[![badge](https://example.org/b.svg)](/p/5)")
    assert elements(html) == [("p", {}), ("a", {"href": "/p/5", "rel": "nofollow noopener noreferrer ugc"})]
    assert text_of(html).strip() == "badge"


def test_empty_input_gives_empty_output():
    assert render_markdown("") == ""


def test_whitespace_only_input_gives_empty_output():
    assert render_markdown("  \n\n\t\n") == ""


def test_rendering_is_deterministic():
    source = "# t\n\n**b** [l](/p/1) ![i](https://e.org/i.png)\n\n| a |\n|---|\n| 1 |"
    first = render_markdown(source)
    render_markdown("# other\n\n![x](https://e.org/x.png)")
    assert render_markdown(source) == first


def test_source_at_the_limit_renders():
    assert render_markdown("a" * MAX_SOURCE_CHARS) == f"<p>{'a' * MAX_SOURCE_CHARS}</p>\n"


def test_source_over_the_limit_is_refused():
    with pytest.raises(ValueError):
        render_markdown("a" * (MAX_SOURCE_CHARS + 1))


def test_nesting_is_capped_and_the_rest_of_the_post_survives():
    html = render_markdown("before\n\n" + ">" * (MAX_NESTING + 30) + " deep\n\nafter")
    depth = sum(tag == "blockquote" for tag, _ in elements(html))
    assert 0 < depth <= MAX_NESTING
    assert text_of(html).split() == ["before", "after"]


def test_realistic_nesting_is_kept():
    source = "".join("  " * level + f"- item{level}\n" for level in range(6))
    assert text_of(render_markdown("> " + "\n> ".join(source.splitlines()))).split() == [
        f"item{level}" for level in range(6)
    ]


# --- hostile input -------------------------------------------------------------------

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "script mixed case": "<ScRiPt>alert(1)</sCrIpT>",
    "script in html block": "<div>\n<script>alert(1)</script>\n</div>",
    "img onerror": "<img src=x onerror=alert(1)>",
    "svg onload": "<svg onload=alert(1)>",
    "svg script": "<svg><script>alert(1)</script></svg>",
    "svg xlink href": '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "math href": '<math href="javascript:alert(1)">click</math>',
    "math mxss": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "style element": "<style>body{display:none}</style>",
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "iframe srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "form": '<form action="https://evil.example"><input name=password></form>',
    "base": '<base href="https://evil.example/">',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "object": '<object data="javascript:alert(1)"></object>',
    "embed": '<embed src="javascript:alert(1)">',
    "link stylesheet": "<link rel=stylesheet href=https://evil.example/x.css>",
    "details ontoggle": "<details open ontoggle=alert(1)>",
    "video source onerror": "<video><source onerror=alert(1)></video>",
    "template": "<template><script>alert(1)</script></template>",
    "noscript mxss": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "raw a javascript": '<a href="javascript:alert(1)">x</a>',
    "raw a tab in scheme": '<a href="jav\tascript:alert(1)">x</a>',
    "raw a style": '<a href="/" style="position:fixed;top:0">x</a>',
    "class id name": '<p class="badge" id="login" name="x">x</p>',
    "span onclick after link": "[x](http://a)<span onclick=alert(1)>y</span>",
    "md javascript": "[x](javascript:alert(1))",
    "md javascript mixed case": "[x](JaVaScRiPt:alert(1))",
    "md entity tab": "[x](jav&#x09;ascript:alert(1))",
    "md entity newline": "[x](jav&#10;ascript:alert(1))",
    "md decimal entity": "[x](&#106;avascript:alert(1))",
    "md named entity colon": "[x](javascript&colon;alert(1))",
    "md percent colon": "[x](javascript%3Aalert(1))",
    "md percent leading space": "[x](%20javascript:alert(1))",
    "md angle destination": "[x](<javascript:alert(1)>)",
    "md zero width": "[x](java\u200bscript:alert(1))",
    "md fullwidth": "[x](\uff4a\uff41\uff56\uff41\uff53\uff43\uff52\uff49\uff50\uff54:alert(1))",
    "md rtl override": "[x](\u202ejavascript:alert(1))",
    "md null byte": "[x](java\0script:alert(1))",
    "autolink javascript": "<javascript:alert(1)>",
    "autolink upper": "<JAVASCRIPT:alert(1)>",
    "autolink data": "<data:text/html,<script>alert(1)</script>>",
    "md data html": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "md vbscript": "[x](vbscript:msgbox(1))",
    "md file": "[x](file:///etc/passwd)",
    "image javascript": "![x](javascript:alert(1))",
    "image data svg": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "image data png": "![x](data:image/png;base64,iVBORw0KGgo=)",
    "image title injection": '![x](http://e.example/x.png "\\" onerror=\\"alert(1)")',
    "reference javascript": "[x][r]\n\n[r]: javascript:alert(1)",
    "reference image javascript": "![x][r]\n\n[r]: javascript:alert(1)",
    "reference entity": "[x][r]\n\n[r]: &#x6A;avascript:alert(1)",
    "title double quote": '[x](http://a "\\" onmouseover=alert(1)")',
    "title single quote": "[x](http://a '\\' onclick=alert(1) ')",
    "link text html": "[<img src=x onerror=alert(1)>](http://a)",
    "comment hiding script": "<!-- --><script>alert(1)</script><!-- -->",
    "comment close trick": '<!--<img src="--><img src=x onerror=alert(1)//">',
    "unclosed nested tags": "<b><i><script>alert(1)",
    "unclosed attribute": '<a href="javascript:alert(1)',
    "null byte in tag": "<scr\0ipt>alert(1)</scr\0ipt>",
    "table cell html": "| a |\n|---|\n| <script>alert(1)</script> |",
    "table cell javascript": "| a |\n|---|\n| [x](javascript:alert(1)) |",
    "blockquote iframe": "> <iframe src=//evil.example>",
    "protocol-relative image": "<img src=//evil.example/track.png>",
    "bracket bomb": "[" * 5000 + "x](javascript:alert(1))",
}


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_is_neutralised(source):
    assert_safe(render_markdown(source))


def test_the_hostile_table_is_large():
    assert len(HOSTILE) >= 40


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_link_in_hostile_output_carries_rel(source):
    for link in links(render_markdown(source)):
        assert set(link["rel"].split()) == REL


def test_every_link_carries_rel():
    html = render_markdown(
        "[a](https://a.example) [b](/p/5) <mailto:c@example.org> ![d](https://d.example/x.png)"
    )
    assert len(links(html)) == 4
    for link in links(html):
        assert set(link["rel"].split()) == REL


def test_javascript_link_keeps_its_text_but_loses_its_href():
    html = render_markdown("[click me](JaVaScRiPt:alert(1))")
    assert all("href" not in link for link in links(html))
    assert "click me" in text_of(html)


def test_title_injection_stays_inside_the_title():
    (link,) = links(render_markdown('[x](http://a "\\" onmouseover=alert(1)")'))
    assert link["title"] == '" onmouseover=alert(1)'
    assert set(link) == {"href", "title", "rel"}


# --- pathological input --------------------------------------------------------------
# Posts as long as the form accepts, built to be slow or strange for markdown-it (some
# took half a second). Their cost is measured by bench/markup_worst_case.py, never here:
# here they must render to something sane, or be refused with a message for the author.

def _fill(unit, limit=MAX_SOURCE_CHARS):
    return (unit * (limit // len(unit) + 1))[:limit]


# Brackets that never make a link stay exactly as typed.
LITERAL_BRACKETS = {
    "open brackets": "[" * MAX_SOURCE_CHARS,
    "open image brackets": _fill("!["),
    "image then brackets": _fill("![["),
    "unclosed links": _fill("[a]("),
    "empty unclosed links": _fill("[]("),
    "unbalanced parentheses": _fill("[a](b("),
    "long addresses": _fill("[a](" + "x" * 600),
    "open references": _fill("[a]["),
    "brackets then closers": "[" * 10_000 + "]" * 10_000,
    "brackets and angles": _fill("[<"),
    "one bracket before a long word": "[" + "a" * (MAX_SOURCE_CHARS - 1),
}


@pytest.mark.parametrize("source", LITERAL_BRACKETS.values(), ids=LITERAL_BRACKETS.keys())
def test_brackets_that_make_no_link_render_as_typed(source):
    html = render_markdown(source)
    assert links(html) == []
    assert text_of(html).strip() == source


RENDERED = {
    "brackets then link ends": "[" * 10_000 + _fill("](x)", 10_000),
    "angles": "<" * MAX_SOURCE_CHARS,
    "backticks": "`" * MAX_SOURCE_CHARS,
    "stars": "*" * MAX_SOURCE_CHARS,
    "underscores": "_" * MAX_SOURCE_CHARS,
    "tildes": "~" * MAX_SOURCE_CHARS,
    "pipes": "|" * MAX_SOURCE_CHARS,
    "hashes": "#" * MAX_SOURCE_CHARS,
    "ampersands": "&" * MAX_SOURCE_CHARS,
    "entities": "&amp;" * 4000,
    "quote markers": "> " * 10_000,
    "nested quotes": "".join("> " * n + "x\n" for n in range(1, 140)),
    "list markers": "- " * 10_000,
    "nested list": "".join(" " * (2 * n) + "- x\n" for n in range(130)),
    "closing brackets": "]" * MAX_SOURCE_CHARS,
    "escaped brackets": "\\[" * 5000,
    "angle destinations": _fill("[a](<"),
    "mixed-quote titles": _fill("[a](x '" + "y" * 300 + '[a](x "' + "y" * 300),
}


@pytest.mark.parametrize("source", RENDERED.values(), ids=RENDERED.keys())
def test_pathological_input_renders_safely(source):
    # (Some render to almost nothing: a line of 20,000 "*" is one <hr>.)
    assert len(source) <= MAX_SOURCE_CHARS
    assert_safe(render_markdown(source))


REFUSED = {
    "emphasis": "*a" * 10_000,
    "strong": _fill("**a"),
    "mixed emphasis": "*_" * 10_000,
    "strikethrough": _fill("~~a"),
    "list items": _fill("- a\n"),
    "paragraphs": _fill("a\n\n"),
    "one-letter lines": _fill("a\n"),
    "headings": _fill("# a\n"),
    "wide table": "|" + "a|" * 100 + "\n|" + "-|" * 100 + "\n"
                  + _fill("|" + "b|" * 100 + "\n", MAX_SOURCE_CHARS - 404),
    "bare links": _fill("http://a.b "),
    "fuzzy links": _fill("www.example.com "),
    "links": _fill("[x](http://a) "),
    "images": _fill("![](x) "),
}


@pytest.mark.parametrize("source", REFUSED.values(), ids=REFUSED.keys())
def test_a_flood_of_formatting_is_refused_with_a_message_for_the_author(source):
    assert len(source) <= MAX_SOURCE_CHARS
    with pytest.raises(MarkupTooComplex) as refusal:
        render(source)
    assert str(refusal.value) == (
        "This post has too much formatting for the forum to show: thousands of links, "
        "emphasis marks, headings, list items or table cells. Simplify it and post again.")


def test_refusal_is_a_value_error():
    assert issubclass(MarkupTooComplex, ValueError)


def test_a_long_ordinary_post_is_not_refused():
    paragraph = (
        "Week 3 update. Sleep is **better** than last week, and the *6 pm craving* is "
        "quieter; see [my notes](/p/12) and https://example.org/guide_(2024) too.\n\n"
        "- tiredness in the afternoon\n- a bit of dizziness\n\n> quoted advice\n\n")
    source = _fill(paragraph)
    assert len(links(render_markdown(source))) > 100


@pytest.mark.parametrize("seed", range(6))
def test_random_punctuation_renders_safely_or_is_refused(seed):
    rng = random.Random(seed)
    source = "".join(rng.choice("[]()!*_`<>&#\\|-~:/\"' \na") for _ in range(MAX_SOURCE_CHARS))
    try:
        html = render_markdown(source)
    except MarkupTooComplex:
        return
    assert_safe(html)
    for link in links(html):
        assert set(link["rel"].split()) == REL


def test_link_text_scanning_has_a_budget_and_later_brackets_stay_text():
    # 15,000 unclosed brackets spend the post's label scanning: a link after them is
    # shown as typed. One before them is a link as usual.
    html = render_markdown("[before](/p/1) " + "[" * 15_000 + " [after](/p/2)")
    assert [link["href"] for link in links(html)] == ["/p/1"]
    assert text_of(html).strip().endswith("[after](/p/2)")


def test_address_parentheses_nest_eight_deep():
    eight = "(" * 8 + "x" + ")" * 8
    (link,) = links(render_markdown(f"[a](/p/{eight})"))
    assert link["href"] == f"/p/{eight}"
    assert links(render_markdown(f"[a](/p/({eight}))")) == []


def test_linkify_inside_a_link_label_does_not_crash():
    # markdown-it-py raised RuntimeError ("inline rule didn't increment state.pos").
    html = render_markdown("ww.e.org[http://s://]")
    assert_safe(html)
    assert "://]" in text_of(html)


# --- one parse: render() -------------------------------------------------------------

def _stock_markdown_it():
    md = MarkdownIt("js-default", {"maxNesting": MAX_NESTING, "linkify": True})
    return md.enable(["table", "strikethrough", "linkify"])


def _token_view(tokens):
    return [(t.type, t.tag, t.content, t.attrs, t.markup, t.info, _token_view(t.children or []))
            for t in tokens]


ORDINARY = [
    "# Week 3\n\nSleep is **better**, the *craving* is ~~loud~~ quieter. `code` and\n"
    "a hard\\\nbreak.\n\n- one\n  - nested [link](/p/5 \"title\")\n- two\n\n1. first\n2. second\n",
    "> [quoted](https://example.org/a_(b)) words\n>\n> more\n\nreply with <https://x.example>, "
    "<mailto:a@example.org>, www.example.org and https://example.org/x?y=1.",
    "[see [1]](https://e.org) ![a *cat*](https://e.org/cat.png \"Cat\") "
    "[![badge](https://e.org/b.svg)](/p/5) [ref][r] [r]\n\n[r]: /resources#r3 'Res'\n",
    "| a | b |\n|:--|--:|\n| [x](/p/1) | *y* |\n\n```python\nprint('[not a link](x)')\n```\n",
    "Brackets [in] text [and [nested] ones](/p/1) and [empty]() and [a](<b c>) and "
    "[esc\\]aped](/p/2) and \\[not\\] and [x](javascript:alert(1)).",
]


@pytest.mark.parametrize("source", ORDINARY)
def test_ordinary_markdown_parses_as_stock_markdown_it_does(source):
    stock = _stock_markdown_it().parse(source)
    assert _token_view(markup._parse(source, {})) == _token_view(stock)


@pytest.mark.parametrize("source", ORDINARY)
def test_render_gives_the_html_of_render_markdown(source):
    assert render(source).html == render_markdown(source)


def test_rendered_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        render("x").html = "<p>y</p>"


OWN_LINK = {
    "plain link": ("[site](https://example.org)", True),
    "bare url": ("see https://example.org/x today", True),
    "bare www": ("see www.example.org today", True),
    "autolink": ("<https://x.example>", True),
    "mailto": ("[mail](mailto:help@example.org)", True),
    "email autolink": ("<help@example.org>", True),
    "image shown as a link": ("![cat](https://example.org/cat.png)", True),
    "link after a quote": ("> quoted\n\nmy own https://example.org", True),
    "link in a list in a table": ("| a |\n|---|\n| [x](http://example.org) |", True),
    "link only in a quote": ("> see https://example.org, [x](https://e.org)\n\nI agree.", False),
    "link in a nested quote": ("> > [x](https://example.org)\n> mine\n\nreply", False),
    "lazy quote continuation": ("> quoted\nhttps://example.org", False),
    "javascript link": ("[click me](javascript:alert(1))", False),
    "disguised javascript link": ("[x](jav&#x09;ascript:alert(1))", False),
    "data link": ("[x](data:text/html,hi)", False),
    "relative link": ("[quoted](/p/5) and [r](#top)", False),
    "no link": ("just **words** [in brackets]", False),
    "empty": ("", False),
}


@pytest.mark.parametrize(("source", "expected"), OWN_LINK.values(), ids=OWN_LINK.keys())
def test_has_own_link(source, expected):
    assert render(source).has_own_link is expected


@pytest.mark.parametrize(("source", "expected"), OWN_LINK.values(), ids=OWN_LINK.keys())
def test_has_own_link_agrees_with_the_html(source, expected):
    # an absolute link in the sanitised HTML, outside any <blockquote>
    class Outside(HTMLParser):
        def __init__(self):
            super().__init__()
            self.depth, self.found = 0, False

        def handle_starttag(self, tag, attrs):
            self.depth += tag == "blockquote"
            href = dict(attrs).get("href") or ""
            if tag == "a" and self.depth == 0 and href_scheme(href) in SAFE_SCHEMES:
                self.found = True

        def handle_endtag(self, tag):
            self.depth -= tag == "blockquote"

    parser = Outside()
    parser.feed(render(source).html)
    assert parser.found is expected
