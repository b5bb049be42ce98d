"""Safety signposting: crisis language and dose talk in what people write.

Both checks run when a post is written, never on page views. Crisis language never
stops a post (never silence someone asking for help): it shows the author helplines
at once and puts the post at the top of the moderators' queue. Dose talk adds a quiet
"personal experience, not dosing advice" line under the post.
"""
import re
import unicodedata
from functools import lru_cache

from sqlalchemy import select

from .extensions import db
from .models import SafetyPhrase

# A number with mg ("90 mg", "1,000mg", "2.5 milligrams"), or the words people use
# for changing a dose.
DOSE = re.compile(
    r"\b\d[\d,.]*\s*(?:mg|milligrams?)\b"
    r"|\btitrat\w*"
    r"|\btaper\w*"
    r"|\bswitch(?:ed|ing)?\s+(?:\w+\s+){0,2}?doses?\b",
    re.IGNORECASE)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text)


def mentions_dose(text: str) -> bool:
    return DOSE.search(unicodedata.normalize("NFKC", text)) is not None


@lru_cache(maxsize=64)
def _pattern(phrases: tuple[str, ...]) -> re.Pattern | None:
    if not phrases:
        return None
    alternatives = "|".join(re.escape(_normalise(p)).replace(r"\ ", r"\s+")
                            for p in sorted(phrases, key=len, reverse=True))
    # Whole words only: "kill time" must not match "kill myself", and "suicide" must
    # not match inside another word.
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def load_phrases() -> tuple[str, ...]:
    return tuple(db.session.scalars(select(SafetyPhrase.phrase).order_by(SafetyPhrase.id)))


def find_crisis_phrase(text: str, phrases: tuple[str, ...] | None = None) -> str | None:
    """The first crisis phrase in `text`, or None. Phrases come from the database
    (seeded, and editable by admins) unless given."""
    pattern = _pattern(load_phrases() if phrases is None else tuple(phrases))
    if pattern is None:
        return None
    match = pattern.search(_normalise(text))
    return match.group(0) if match else None
