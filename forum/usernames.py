"""Username rules: what a person may register, and when two names are "the same".

Pure functions, no database. The registration service stores `normalize_username(raw)`
as the display name and `username_skeleton(display)` in a UNIQUE column, so look-alikes
of an existing name (or of a reserved one) cannot be registered.
"""

import unicodedata
from functools import lru_cache

from confusable_homoglyphs.categories import alias
from confusable_homoglyphs.confusables import confusables_data

MIN_LENGTH = 3
MAX_LENGTH = 30
# NFKC can shrink text (e + combining accent -> é, Hangul jamo -> syllable) but never
# by 10x, so anything longer than this is refused before we spend time normalising it.
_MAX_RAW_LENGTH = MAX_LENGTH * 10

RESERVED_USERNAMES = frozenset({
    # Roles and the forum itself: a member using one of these could pass as staff.
    "admin", "admins", "administrator", "administrators", "moderator", "moderators",
    "mod", "mods", "modteam", "staff", "team", "system", "support", "forum", "root",
    "help", "helpdesk", "helpline", "official", "owner", "sysop", "operator",
    "webmaster", "postmaster", "hostmaster", "mailerdaemon", "noreply", "abuse",
    "security", "privacy", "bot", "automod", "info", "contact", "feedback",
    # Placeholders that would confuse a reader or the code showing authors.
    "anonymous", "anon", "guest", "null", "none", "undefined", "unknown", "deleted",
    "removed", "hidden", "everyone", "here", "nobody", "user", "member",
    # Claimed authority over someone's health: only verified people get that badge.
    "therapist", "counselor", "counsellor", "psychologist", "psychiatrist", "doctor",
    "nurse", "crisis", "emergency", "baclofen",
    # Words used in our own URLs, so /u/<name> can never shadow a page.
    "login", "logout", "register", "signup", "signin", "settings", "account",
    "accounts", "password", "reset", "search", "resources", "moderation", "modlog",
    "healthz", "notifications", "new", "edit", "api", "static", "threads", "posts",
    "users", "categories",
})

# Invisible letters and marks from Unicode's Default_Ignorable_Code_Point set: Hangul
# fillers render as blank space ("al\u3164ice" looks like "alice"), Khmer inherent vowels
# and Mongolian variation selectors show nothing. NFKC already turns U+FFA0 into U+3164.
_INVISIBLE_CHARS = frozenset("\u115f\u1160\u3164\u17b4\u17b5\u180b\u180c\u180d\u180f")
# Real words stack two or three marks on a letter; more is "Zalgo" text.
_MAX_MARKS_IN_A_ROW = 4
# "ー" (Script_Extensions Hiragana and Katakana) must not pass as a Latin hyphen.
_PROLONGED_SOUND_MARK = "\u30fc"

# Scripts that are written together in one name (as in UTS #39's Jpan, Kore, Hanb).
_SCRIPT_FAMILIES = (
    frozenset({"HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"HAN", "HANGUL"}),
    frozenset({"HAN", "BOPOMOFO"}),
)

# The library stores right-to-left characters wrapped in LEFT-TO-RIGHT MARKs (so its
# comments display well); we look them up both ways and strip the marks.
_LRM = "\u200e"

# Supplement to the library's data, applied after casefolding. The data already folds
# I -> l, 1 -> l, 0 -> O and m -> rn (Unicode's confusables.txt). Because names are also
# case-insensitive, "I" and "i" are one letter, so i must join l too: otherwise "ALICE"
# (whose I looks like l) and "alice" would get different skeletons. Underscores and
# hyphens are dropped: under an underlined link "mia_" reads as "mia", and
# "tess_the_therapist" reads as "tess-the-therapist".
_SUPPLEMENT = str.maketrans({"i": "l", "_": None, "-": None})


class InvalidUsername(ValueError):
    """A username was refused; `args[0]` is a message to show the person."""


def normalize_username(raw: str) -> str:
    """Return the display form of `raw` (NFKC, case kept) or raise InvalidUsername.

    Refuses names outside 3-30 characters, characters other than letters, digits, `_`
    and `-` (so invisible and direction-changing characters too), letters from two
    scripts at once, and names that look like a reserved name.
    """
    if len(raw) > _MAX_RAW_LENGTH:
        raise InvalidUsername(_length_message())
    name = unicodedata.normalize("NFKC", raw).strip()
    if not _uses_allowed_chars(name):
        raise InvalidUsername(
            "Usernames can only use letters, digits, _ and - (no spaces, symbols, "
            "emoji or hidden characters)."
        )
    if not MIN_LENGTH <= len(name) <= MAX_LENGTH:
        raise InvalidUsername(_length_message())
    if not any(ch.isalnum() for ch in name):
        raise InvalidUsername("Please include at least one letter or digit.")
    if _is_mixed_script(name):
        raise InvalidUsername(
            "Please write your username in one alphabet: mixing alphabets (such as "
            "Latin and Cyrillic letters) can make it look like someone else's name."
        )
    if username_skeleton(name) in _RESERVED_SKELETONS:
        raise InvalidUsername(
            "That name is reserved, or looks like one that is. Please choose another."
        )
    return name


def username_skeleton(name: str) -> str:
    """Return the key under which names that look alike to a reader are the same.

    NFKC (full-width and styled letters become plain ones), then per character: a
    character confusable with an ASCII letter or digit becomes it (Cyrillic "а" -> "a",
    Greek "Ι" -> "l"), otherwise it is casefolded, its accents are dropped and the
    same mapping is tried again; then casefold, i/I/1 -> l, 0 -> o, m -> rn, and `_` and
    `-` are removed. So "alice", "ALICE", "ａｌｉｃｅ", "а1ice" and "Alíce" collide.
    """
    nfkc = unicodedata.normalize("NFKC", name)
    return "".join(_fold_char(ch) for ch in nfkc).casefold().translate(_SUPPLEMENT)


def _length_message() -> str:
    return f"Use {MIN_LENGTH} to {MAX_LENGTH} letters, digits, _ or -."


def _uses_allowed_chars(name: str) -> bool:
    marks_in_a_row = 0
    for index, ch in enumerate(name):
        if unicodedata.category(ch)[0] != "M":
            marks_in_a_row = 0
            if not _is_allowed_char(ch):
                return False
            continue
        # Vowel signs and viramas are how Devanagari, Bengali, Tamil, Thai, Hebrew ...
        # spell, so a mark of a real script may follow a letter. Generic accents (script
        # Inherited) that NFKC could not compose onto their letter, marks on nothing,
        # and piles of marks spilling over the lines around them are refused.
        marks_in_a_row += 1
        on_a_letter = index > 0 and (name[index - 1].isalpha() or marks_in_a_row > 1)
        if not on_a_letter or marks_in_a_row > _MAX_MARKS_IN_A_ROW:
            return False
        if _script(ch) in {"INHERITED", "COMMON"} or ch in _INVISIBLE_CHARS:
            return False
    return True


def _is_allowed_char(ch: str) -> bool:
    if ch in "_-":
        return True
    if ch in _INVISIBLE_CHARS:
        return False
    # L* letters and Nd digits only: this refuses Cf (zero-width and bidi controls, soft
    # hyphen, BOM), Z* (spaces), P* (punctuation), S* (emoji) and more.
    category = unicodedata.category(ch)
    if category == "Nd":
        return True
    # Letters of no script (ʼ ˈ ː ꜝ, Arabic tatweel) read as punctuation or stretch a
    # word invisibly; the prolonged sound mark is part of ordinary Japanese names.
    return category[0] == "L" and _script(ch) != "COMMON"


def _is_mixed_script(name: str) -> bool:
    # Digits, "_" and "-" are in the Common script and fit with any alphabet.
    scripts = {_script(ch) for ch in name} - {"COMMON"}
    if len(scripts) <= 1:
        return False
    return not any(scripts <= family for family in _SCRIPT_FAMILIES)


def _script(ch: str) -> str:
    # The library has no Script_Extensions; this is the one Common letter we accept.
    return "KATAKANA" if ch == _PROLONGED_SOUND_MARK else alias(ch)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    # Look before casefolding: Cyrillic "М" looks like "M", but its lowercase "м" does
    # not look like "m", so casefolding first would lose the resemblance. Look again
    # after it, for the lowercase look-alikes and because the twin may map on (Greek
    # "Μ" -> "M" -> "m" -> "rn").
    twin = _ascii_twin(ch)
    folded = []
    for part in unicodedata.normalize("NFD", (twin or ch).casefold()):
        # Generic accents (U+0300-U+036F) make "Alíce" read as "Alice"; marks that are
        # part of other scripts (Devanagari vowel signs, ...) live elsewhere and stay.
        if "\u0300" <= part <= "\u036f":
            continue
        folded.append(_ascii_twin(part) or part)
    return "".join(folded)


@lru_cache(maxsize=4096)
def _ascii_twin(ch: str) -> str | None:
    """The ASCII letters/digits `ch` is confusable with, per Unicode's confusables.txt."""
    entries = confusables_data.get(ch) or confusables_data.get(_LRM + ch + _LRM) or ()
    # The data lists pairs in both directions: an ASCII character's entries are usually
    # the many look-alikes that map *to* it. Only a single entry (I, 0, 1, m) means the
    # ASCII character itself is a look-alike of something else.
    if ch.isascii() and len(entries) != 1:
        return None
    for entry in entries:
        glyph = entry["c"].replace(_LRM, "")
        if glyph.isascii() and glyph.isalnum():
            return glyph
    return None


_RESERVED_SKELETONS = frozenset(username_skeleton(name) for name in RESERVED_USERNAMES)


def lookup_key(raw: str) -> str | None:
    """The skeleton to find an existing account by (login, profile URLs).

    Unlike registration this does not refuse reserved or mixed-script names, so an
    account keeps working if its name is reserved later; it only bounds the input.
    """
    raw = (raw or "").strip()
    if not raw or len(raw) > 60:
        return None
    return username_skeleton(raw)
