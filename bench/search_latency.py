"""Search latency over the large data set: p50 and p95, common and rare words.

    .venv/bin/python bench/search_latency.py --database-url URL [--seed] [--runs 50]

The seed (bench/seed_large.py) writes rows directly, past the post lifecycle, so the
search index is empty after it: this script rebuilds it first (`flask search reindex`,
timed), then adds a few posts with rare words through the ordinary services (so the
listeners index them), then times `forum.search.queries.search` as a guest, by relevance
and by date, for each word class. `--seed` builds the data set first (with the schema
from the models, while the migrations catch up with them).
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from flask_login import AnonymousUserMixin  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402

COMMON = ["baclofen", "cravings", "sleep", "thank", "dose"]
PHRASES = ['"thank you"', "cravings OR sleep", "bacl*"]
RARE = ["quetiapinexx", "zolpidemqq", "hyperacusisvv", "fasciculationzz", "paresthesiaww"]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", action="store_true", help="build the data set first (resets)")
    parser.add_argument("--skip-reindex", action="store_true")
    parser.add_argument("--runs", type=int, default=40, help="timed searches per word")
    parser.add_argument("--json", type=Path, help="write the numbers here too")
    return parser.parse_args(argv)


def seed(url: str) -> None:
    import flask_migrate

    import seed_large
    # The schema from the models: until the lead writes their migrations, `upgrade()`
    # would make tables without the columns the models now have.
    flask_migrate.upgrade = lambda *a, **k: db.create_all()
    seed_large.main(["--database-url", url, "--reset"])


def add_rare_posts() -> None:
    from forum.models import Category, User, utcnow
    from forum.threads import services

    author = db.session.scalar(select(User).order_by(User.id).limit(1))
    author.email_verified_at = author.email_verified_at or utcnow()  # may post
    category = db.session.scalar(select(Category).where(Category.requires_approval.is_(False))
                                 .order_by(Category.id).limit(1))
    for word in RARE:
        for n in range(3):
            services.create_thread(author, category, title=f"About {word} number {n}",
                                   body=f"I noticed {word} in week {n + 2}; it passed.")


def timed(viewer, query: str, order: str, runs: int) -> list[float]:
    from forum.search.queries import search

    search(viewer, query, order=order)  # warm
    out = []
    for _ in range(runs):
        began = time.perf_counter()
        search(viewer, query, order=order)
        out.append((time.perf_counter() - began) * 1000)
        db.session.rollback()  # each search as its own request would run it
    return out


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.seed:
        seed(args.database_url)
    app = create_app("config.Config", DATABASE_URL=args.database_url,
                     SQLALCHEMY_DATABASE_URI=args.database_url, RATELIMIT_ENABLED=False,
                     PAGE_CACHE=False)
    report = {}
    with app.app_context(), app.test_request_context():
        from forum.models import Post, SearchDocument
        from forum.search import index

        db.create_all()  # the index's tables, if the data set was made before them
        report["database"] = db.engine.dialect.name
        report["posts"] = db.session.scalar(select(func.count()).select_from(Post))
        if not args.skip_reindex:
            began = time.perf_counter()
            report["indexed"] = index.reindex()
            report["reindex_seconds"] = round(time.perf_counter() - began, 1)
            if db.engine.dialect.name == "postgresql":
                with db.engine.connect().execution_options(
                        isolation_level="AUTOCOMMIT") as connection:
                    connection.exec_driver_sql("VACUUM ANALYZE search_documents")
            add_rare_posts()
        report["documents"] = db.session.scalar(select(func.count()).select_from(SearchDocument))
        guest = AnonymousUserMixin()
        results = {}
        for label, words in (("common", COMMON), ("operators", PHRASES), ("rare", RARE)):
            for order in ("relevance", "newest"):
                samples = []
                for word in words:
                    samples += timed(guest, word, order, args.runs)
                results[f"{label}/{order}"] = {
                    "p50_ms": round(statistics.median(samples), 2),
                    "p95_ms": round(percentile(samples, 0.95), 2),
                    "searches": len(samples)}
        report["latency"] = results
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
