import pytest

from forum.usernames import (
    RESERVED_USERNAMES,
    InvalidUsername,
    normalize_username,
    username_skeleton,
)

LENGTH = "3 to 30"
CHARACTERS = "only use letters, digits"
ONE_ALPHABET = "one alphabet"
RESERVED = "reserved"


@pytest.mark.parametrize(("raw", "expected"), [
    ("alice", "alice"),
    ("Bob_99", "Bob_99"),
    ("tess-the-therapist", "tess-the-therapist"),
    ("José", "José"),
    ("Zoë", "Zoë"),
    ("Дмитрий", "Дмитрий"),               # one alphabet, even if not Latin
    ("Ελένη", "Ελένη"),
    ("ａｌｉｃｅ２", "alice2"),               # full-width forms become plain ones
    ("  alice  ", "alice"),
    ("Jose\u0301", "José"),                 # a decomposed accent is composed
    ("abc", "abc"),
    ("a" * 30, "a" * 30),
    ("田中さん", "田中さん"),               # Han + Hiragana is one writing system
    ("ルーシー", "ルーシー"),
    ("김민수", "김민수"),
    ("שרה_2", "שרה_2"),
    ("राहुल", "राहुल"),                     # vowel signs are marks of their own script
    ("ศักดิ์", "ศักดิ์"),
    ("தமிழ்", "தமிழ்"),
    ("מִרְיָם", "מִרְיָם"),
])
def test_accepted(raw, expected):
    assert normalize_username(raw) == expected


@pytest.mark.parametrize(("raw", "message"), [
    ("", LENGTH),
    ("   ", LENGTH),
    ("al", LENGTH),
    ("ａｌ", LENGTH),
    ("a" * 31, LENGTH),
    ("a" * 10_000, LENGTH),
    ("al ice", CHARACTERS),
    ("alice@home", CHARACTERS),
    ("alice.b", CHARACTERS),
    ("alice🙂", CHARACTERS),
    ("🙂🙂🙂", CHARACTERS),
    ("al\u200dice", CHARACTERS),            # zero-width joiner
    ("al\u200cice", CHARACTERS),            # zero-width non-joiner
    ("al\u200bice", CHARACTERS),            # zero-width space
    ("al\u2060ice", CHARACTERS),            # word joiner
    ("\ufeffalice", CHARACTERS),            # byte order mark
    ("\u202eecila", CHARACTERS),            # right-to-left override
    ("alice\u200f", CHARACTERS),            # right-to-left mark
    ("\u2067alice\u2069", CHARACTERS),      # right-to-left isolate .. pop
    ("al\u00adice", CHARACTERS),            # soft hyphen
    ("\u0301\u0301\u0301", CHARACTERS),     # combining acute with nothing to sit on
    ("ab\u0301c", CHARACTERS),              # ... or with no precomposed letter
    ("al\u3164ice", CHARACTERS),            # Hangul filler: a blank "letter"
    ("ﾠﾠﾠ", CHARACTERS),                    # half-width Hangul filler
    ("\u093e\u093eक", CHARACTERS),          # a vowel sign on nothing
    ("क_\u093e", CHARACTERS),               # ... or on an underscore
    ("शि" + "\u0941" * 5, CHARACTERS),      # a pile of marks
    ("ali\ufe0fce", CHARACTERS),            # variation selector
    ("ali\u034fce", CHARACTERS),            # combining grapheme joiner
    ("علـــي", CHARACTERS),                  # Arabic tatweel stretches a word
    ("al\u02bcice", CHARACTERS),            # modifier apostrophe
    ("___", "at least one letter or digit"),
    ("аlice", ONE_ALPHABET),                # Cyrillic а
    ("Αlice", ONE_ALPHABET),                # Greek Alpha
    ("alice١", ONE_ALPHABET),               # Arabic-Indic digit one
    ("al\u30fcice", ONE_ALPHABET),          # Katakana prolonged sound mark as a hyphen
    ("Моderator", ONE_ALPHABET),            # Cyrillic М: refused before the reserved check
    ("admin", RESERVED),
    ("Admin", RESERVED),
    ("ADMIN", RESERVED),
    ("admin_", RESERVED),
    ("ad-min", RESERVED),
    ("adm1n", RESERVED),                    # 1 reads as l, and l as i
    ("ADMlN", RESERVED),
    ("ｍｏｄ", RESERVED),                   # full-width
    ("Mod", RESERVED),
    ("ѕуѕор", RESERVED),                    # all Cyrillic, spells "sysop" to the eye
    ("ΝΟΝΕ", RESERVED),                     # all Greek, spells "NONE"
    ("Аdmin", ONE_ALPHABET),                # Cyrillic А
    ("moderator", RESERVED),
    ("Therapist", RESERVED),
    ("rnod", RESERVED),                     # "rn" reads as "m"
    ("modlog", RESERVED),
    ("healthz", RESERVED),
])
def test_refused(raw, message):
    with pytest.raises(InvalidUsername, match=message):
        normalize_username(raw)


@pytest.mark.parametrize("name", sorted(RESERVED_USERNAMES))
def test_every_reserved_name_is_refused(name):
    with pytest.raises(InvalidUsername):
        normalize_username(name)


@pytest.mark.parametrize("name", [
    "admin", "administrator", "moderator", "mod", "staff", "system", "support", "forum",
    "root", "help", "login", "logout", "register", "settings", "search", "resources",
    "modlog", "healthz", "notifications", "new", "edit", "api", "static", "therapist",
    "doctor", "nurse", "deleted", "anonymous",
])
def test_reserved_list_covers(name):
    assert name in RESERVED_USERNAMES


def test_messages_are_sentences():
    with pytest.raises(InvalidUsername) as refused:
        normalize_username("x")
    assert refused.value.args[0] == "Use 3 to 30 letters, digits, _ or -."


@pytest.mark.parametrize("look_alike", [
    "alice",
    "ALICE",
    "Alice",
    "ａｌｉｃｅ",                          # full-width
    "аlice",                                # Cyrillic а
    "aⅼice",                                # small Roman numeral fifty
    "a1ice",
    "aIice",                                # capital I
    "al1ce",
    "alıce",                                # dotless i
    "alİce",                                # dotted capital I
    "al\u0456ce",                           # Cyrillic і
    "Alíce",                                # accents fold away
    "al_ice",
    "-alice-",
])
def test_skeleton_collisions(look_alike):
    assert username_skeleton(look_alike) == username_skeleton("alice")


@pytest.mark.parametrize(("first", "second"), [
    ("асе", "ace"),                         # all Cyrillic
    ("АСЕ", "ace"),
    ("ΑΒΕ", "abe"),                         # all Greek capitals
    ("mia", "rnia"),
    ("ΜΙΑ", "mia"),                         # Greek capitals, then M -> m -> rn
    ("0tto", "otto"),
    ("Zoë", "Zoe"),
    ("tess-the-therapist", "tess_the_therapist"),
])
def test_skeleton_collisions_pairs(first, second):
    assert username_skeleton(first) == username_skeleton(second)


@pytest.mark.parametrize(("first", "second"), [
    ("alice", "alicia"),
    ("alice", "alice2"),
    ("Дмитрий", "Dmitry"),                  # a transliteration, not a look-alike
    ("bob", "rob"),
    ("田中", "中田"),
])
def test_skeleton_keeps_different_names_apart(first, second):
    assert username_skeleton(first) != username_skeleton(second)


def test_reserved_names_are_matched_by_skeleton():
    assert username_skeleton("Аdmin") == username_skeleton("admin")    # Cyrillic А
    assert username_skeleton("ΝΟΝΕ") == username_skeleton("none")      # Greek capitals


@pytest.mark.parametrize("name", ["alice", "Дмитрий", "ａｌｉｃｅ２", "Ελένη", "adm1n", "Emma"])
def test_skeleton_of_a_skeleton_is_itself(name):
    skeleton = username_skeleton(name)
    assert username_skeleton(skeleton) == skeleton
