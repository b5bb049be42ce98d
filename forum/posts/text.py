"""What a person typed, made ready to store: cleaned, rendered once, read for safety.

`prepare_text` does all the slow work (markdown, citations, crisis phrases) before any
write begins, so the database's write lock is never held while a post renders.
"""
import re
import unicodedata
from dataclasses import dataclass

from ..errors import ValidationFailed
from ..markup import MarkupTooComplex, render
from ..resources.citations import cite_resources
from ..safety import find_crisis_phrase, mentions_dose

TITLE_MIN, TITLE_MAX = 5, 150
BODY_MIN, BODY_MAX = 1, 20_000

# Characters that change the direction of what follows them (embeddings, overrides,
# isolates, marks) and characters that take no space. In a title they can make a listing
# read "…pinited by mona" or make a title look empty, so titles drop them all. (Bodies keep
# them, for real right-to-left writing; each post is isolated with dir="auto" instead.)
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u180e"
_TITLE_DROPS = dict.fromkeys(map(ord, _BIDI_CONTROLS + _ZERO_WIDTH))


def _is_blank(text: str) -> bool:
    """Nothing a reader could see: only spaces, controls and formatting characters."""
    return all(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp")
               for ch in text)


def clean_title(title: str | None) -> str:
    title = (title or "").translate(_TITLE_DROPS)
    title = re.sub(r"\s+", " ", title).strip()
    if _is_blank(title):
        title = ""
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise ValidationFailed([("title", f"A title needs {TITLE_MIN} to {TITLE_MAX} characters; "
                                          f"this one has {len(title)}.")])
    return title


def clean_body(body: str | None) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if len(body) < BODY_MIN or _is_blank(body):
        raise ValidationFailed([("body", "Write something first.")])
    if len(body) > BODY_MAX:
        raise ValidationFailed([("body", f"Posts can be up to {BODY_MAX:,} characters; this one "
                                         f"has {len(body):,}. Shorten it or split it into two "
                                         "posts; your text is below.")])
    return body


@dataclass(frozen=True)
class PreparedText:
    """A post's text as it will be stored, with what the rules need to know about it."""
    body: str
    html: str
    title: str | None       # a thread's title, when the text opens (or retitles) a thread
    has_own_link: bool      # a link in the author's own words (quoted text does not count)
    mentions_dose: bool
    crisis_phrase: str | None


def prepare_text(body: str | None, *, title: str | None = None,
                 with_title: bool = False) -> PreparedText:
    """Clean, render and read `body` (and `title` when `with_title`); report every
    problem at once as ValidationFailed."""
    errors = []
    try:
        body = clean_body(body)
    except ValidationFailed as failure:
        errors.extend(failure.errors)
    if with_title:
        try:
            title = clean_title(title)
        except ValidationFailed as failure:
            errors.extend(failure.errors)
    else:
        title = None
    if errors:
        raise ValidationFailed(errors)
    try:
        rendered = render(body)
    except MarkupTooComplex as refusal:
        raise ValidationFailed([("body", str(refusal))]) from None
    return PreparedText(
        body=body, html=cite_resources(rendered.html), title=title,
        has_own_link=rendered.has_own_link, mentions_dose=mentions_dose(body),
        crisis_phrase=find_crisis_phrase(f"{title}\n{body}" if title else body))
