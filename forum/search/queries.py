"""Searching, as a given viewer: one interface, the database's own full-text engine.

A query is parsed once, by us, into plain words, phrases, prefixes, alternatives and
exclusions (`parse_query`); each backend then writes it in its own syntax from those parts
only, so no input can reach the engine's query language as syntax (quotes, `*`, `-`,
`NEAR`, brackets, punctuation: never an error). Only what anyone may read is found:
published posts in published threads, and for guests nothing from members-only categories.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, UTC

from markupsafe import Markup, escape
from sqlalchemy import column, func, literal, literal_column, select, table, text
from sqlalchemy.orm import contains_eager, joinedload

from ..extensions import db
from ..models import Category, Post, PostStatus, SearchDocument, Thread, User
from ..models.following import SEARCH_FTS_TABLE
from ..usernames import lookup_key

MAX_QUERY_LENGTH = 300
MAX_TERMS = 12          # more words than this add little but cost every search
PER_PAGE = 20
MAX_PAGE = 50           # nobody reads result 1,000; deep pages would cost the most
START, STOP = "\x02", "\x03"  # highlight markers; never stored in the index
_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
ORDERS = ("relevance", "newest")


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]   # one word, or a phrase
    prefix: bool = False     # "bacl*"


@dataclass
class ParsedQuery:
    # Every group must match; a group matches when any of its terms does (OR).
    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups


def parse_query(raw: str) -> ParsedQuery:
    """Words and "phrases"; `word*` a prefix; `-word` excluded; `a OR b` either."""
    parsed = ParsedQuery()
    joining = False
    terms = 0
    for token in _TOKEN.findall((raw or "")[:MAX_QUERY_LENGTH]):
        if token == "OR":
            joining = bool(parsed.groups)
            continue
        negative = token.startswith("-") and len(token) > 1
        body = token[1:] if negative else token
        quoted = body.startswith('"')
        words = tuple(w.lower() for w in _WORD.findall(body))
        if not words or terms >= MAX_TERMS:
            continue
        terms += 1
        prefix = body.rstrip('"').endswith("*") and not quoted and len(words) == 1
        term = Term(words=words, prefix=prefix)
        if negative:
            parsed.excluded.append(term)
        elif joining:
            parsed.groups[-1].append(term)
        else:
            parsed.groups.append([term])
        joining = False
    return parsed


def _fts5_term(term: Term) -> str:
    phrase = '"' + " ".join(term.words) + '"'  # \w only: no quote to double
    return phrase + "*" if term.prefix else phrase


def fts5_query(parsed: ParsedQuery) -> str:
    groups = ["(" + " OR ".join(_fts5_term(t) for t in group) + ")" for group in parsed.groups]
    query = " AND ".join(groups)
    for term in parsed.excluded:
        query += " NOT " + _fts5_term(term)
    return query


def _tsquery_term(term: Term) -> str:
    words = [w for w in term.words]
    if term.prefix:
        return f"{words[0]}:*"
    return "(" + " <-> ".join(words) + ")" if len(words) > 1 else words[0]


def tsquery(parsed: ParsedQuery) -> str:
    parts = ["(" + " | ".join(_tsquery_term(t) for t in group) + ")" for group in parsed.groups]
    parts += ["!" + _tsquery_term(t) for t in parsed.excluded]
    return " & ".join(parts)


@dataclass(frozen=True)
class Filters:
    category: Category | None = None
    author: User | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class Hit:
    post: Post
    thread: Thread
    snippet: Markup


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def highlight(raw: str | None) -> Markup:
    """A snippet with the engine's markers: everything escaped, then the markers become
    <mark>, so no markup from a post ever reaches the page."""
    out, marking = [], False
    for piece in re.split(f"([{START}{STOP}])", raw or ""):
        if piece == START:
            if not marking:
                out.append(Markup("<mark>"))
            marking = True
        elif piece == STOP:
            if marking:
                out.append(Markup("</mark>"))
            marking = False
        else:
            out.append(escape(piece))
    if marking:
        out.append(Markup("</mark>"))
    return Markup("").join(out)


def _visible(statement, viewer, filters: Filters):
    statement = statement.where(Post.status == PostStatus.PUBLISHED,
                                Thread.status == PostStatus.PUBLISHED)
    hidden_categories = _closed_categories(viewer)
    if hidden_categories is not None:
        statement = statement.where(Thread.category_id.not_in(hidden_categories))
    if filters.category is not None:
        statement = statement.where(Thread.category_id == filters.category.id)
    if filters.author is not None:
        statement = statement.where(Post.author_id == filters.author.id)
    if filters.since is not None:
        statement = statement.where(Post.created_at >= _start_of(filters.since))
    if filters.until is not None:
        statement = statement.where(Post.created_at < _start_of(filters.until + timedelta(days=1)))
    return statement


def _closed_categories(viewer):
    """Categories this viewer may not read (members-only ones for guests), as a subquery;
    None when there are none to leave out."""
    members_only = getattr(Category, "members_only", None)
    if members_only is None or viewer.is_authenticated:
        return None
    return select(Category.id).where(members_only.is_(True)).scalar_subquery()


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def search(viewer, raw_query: str, *, filters: Filters = Filters(), order: str = "relevance",
           page: int = 1) -> Results:
    """One page of what `viewer` may read that matches `raw_query`."""
    parsed = parse_query(raw_query)
    page = min(max(page, 1), MAX_PAGE)
    if parsed.is_empty:
        return Results(hits=[], page=page, has_next=False)
    if db.session.get_bind().dialect.name == "sqlite":
        statement, by_relevance, newest = _sqlite_statement(parsed)
    else:
        statement, by_relevance, newest = _postgres_statement(parsed)
    statement = _visible(statement, viewer, filters)
    # Newest first is by id: posts are numbered as they are written, and the engines
    # walk their index in that order (FTS5 by rowid), stopping at the page's end.
    statement = statement.order_by(newest if order == "newest" else by_relevance)
    statement = statement.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)
    rows = db.session.execute(statement).unique().all()
    hits = [Hit(post=row[0], thread=row[0].thread, snippet=highlight(row[1]))
            for row in rows[:PER_PAGE]]
    return Results(hits=hits, page=page, has_next=len(rows) > PER_PAGE)


def _base(snippet, source, on):
    return (select(Post, snippet).select_from(source).join(Post, on)
            .join(Thread, Thread.id == Post.thread_id)
            .options(contains_eager(Post.thread), joinedload(Post.author)))


def _sqlite_statement(parsed: ParsedQuery):
    fts = table(SEARCH_FTS_TABLE, column("rowid"), column("rank"))
    this = literal_column(SEARCH_FTS_TABLE)
    snippet = func.snippet(this, 1, START, STOP, "…", 24)
    statement = (_base(snippet, fts, Post.id == fts.c.rowid)
                 .where(text(f"{SEARCH_FTS_TABLE} MATCH :match").bindparams(
                     match=fts5_query(parsed))))
    # `rank` is BM25 with the title weighted (forum/models/following.py); lower is better.
    return statement, fts.c.rank.asc(), fts.c.rowid.desc()


def _postgres_statement(parsed: ParsedQuery):
    query = func.to_tsquery("english", tsquery(parsed))
    vector = literal_column("search_documents.tsv")
    rank = func.ts_rank_cd(vector, query)
    snippet = func.ts_headline("english", SearchDocument.body, query,
                               f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, "
                               "MaxFragments=2, FragmentDelimiter=\" … \"")
    statement = (_base(snippet, SearchDocument, Post.id == SearchDocument.post_id)
                 .where(vector.op("@@")(query)))
    return statement, rank.desc(), _postgres_newest(vector, query)


# A word in at least this many posts is "common": walking the id index backwards finds a
# page of them at once. For a rarer one that walk would read most of the index, so the
# GIN index finds them all and they are sorted (`post_id + 0` keeps the planner off the
# id index). PostgreSQL's own estimate cannot tell the two apart for a tsquery.
COMMON_ENOUGH = 1000


def _postgres_newest(vector, query):
    probe = (select(literal(1)).select_from(SearchDocument).where(vector.op("@@")(query))
             .limit(COMMON_ENOUGH).subquery())
    common = db.session.scalar(select(func.count()).select_from(probe)) >= COMMON_ENOUGH
    return SearchDocument.post_id.desc() if common else (SearchDocument.post_id + 0).desc()


# --- the filters' own look-ups ---------------------------------------------------------

def find_category(slug: str | None) -> Category | None:
    if not slug:
        return None
    return db.session.scalar(select(Category).where(Category.slug == slug[:60]))


def find_author(name: str | None) -> User | None:
    key = lookup_key(name) if name else None
    if not key:
        return None
    return db.session.scalar(select(User).where(User.username_key == key))


def parse_day(raw: str | None) -> date | None:
    """A yyyy-mm-dd date, or None for anything else (a bad date is ignored, never an error)."""
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
