import click
from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Category
from . import bp, index, queries


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 4 else 1


def _categories(viewer) -> list[Category]:
    statement = select(Category).order_by(Category.position, Category.id)
    members_only = getattr(Category, "members_only", None)
    if members_only is not None and not viewer.is_authenticated:
        statement = statement.where(members_only.is_(False))
    return list(db.session.scalars(statement))


@bp.get("/search")
def search():
    args = request.args
    raw = args.get("q", "").strip()[:queries.MAX_QUERY_LENGTH]
    order = args.get("order") if args.get("order") in queries.ORDERS else "relevance"
    categories = _categories(current_user)
    slug = args.get("category", "")
    category = next((c for c in categories if c.slug == slug), None)
    filters = queries.Filters(category=category,
                              author=queries.find_author(args.get("author", "").strip()),
                              since=queries.parse_day(args.get("from")),
                              until=queries.parse_day(args.get("to")))
    results = None
    notes = []
    if args.get("author", "").strip() and filters.author is None:
        notes.append("No member has that name, so the author filter was left out.")
    if (args.get("from") and filters.since is None) or (args.get("to") and filters.until is None):
        notes.append("Dates are written like 2026-03-31; a date that is not was left out.")
    if raw:
        results = queries.search(current_user, raw, filters=filters, order=order,
                                 page=_page_arg())
    return render_template("search/results.html", q=raw, results=results, order=order,
                           categories=categories, category=category, filters=filters,
                           author_name=args.get("author", "").strip()[:60],
                           since=args.get("from", "")[:10], until=args.get("to", "")[:10],
                           notes=notes)


@bp.cli.command("reindex")
def reindex_command():
    """Rebuild the search index from the visible posts."""
    total = index.count_visible_posts()
    with click.progressbar(length=total, label="Indexing posts") as bar:
        done = index.reindex(progress=bar.update)
    click.echo(f"Indexed {done} posts.")
