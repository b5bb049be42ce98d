"""Build a large forum fast, for the performance bench.

    .venv/bin/python bench/seed_large.py --database-url URL [--reset] [--manifest FILE]

Defaults: 5,000 members, 20,000 threads, 500,000 posts, one of the threads 2,000 posts
long. Works on SQLite and PostgreSQL:

1. the schema comes from the migrations (`flask db upgrade`), the categories from
   `forum.seed.seed()`;
2. rows are generated in memory, deterministically (`--random-seed`), with every
   denormalised counter consistent: threads.post_count / last_position / last_post_at /
   last_poster_id, categories.thread_count, posts.position 1..n in each thread;
3. they are written in big batches: SQLAlchemy Core `insert()` executemany on SQLite,
   COPY on PostgreSQL.

Posts are numbered in the order they were "written" across the whole forum, so a
thread's posts are spread over the table as in a real forum, not stored side by side.
Every member's password is --password; it is hashed once (argon2, the production
parameters) and the hash is reused for every row, which is fine for a bench only.

The manifest (JSON) tells the other bench scripts what was built: the long thread's id
and page count, the biggest category, the member names and password.
"""
import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import click  # noqa: E402  (after the path set-up above)
from sqlalchemy import func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

import corpus  # noqa: E402
from flask import current_app  # noqa: E402

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.markup import render_markdown  # noqa: E402
from forum.models import Category, Post, Thread, User  # noqa: E402
from forum.passwords import hash_password  # noqa: E402
from forum.seed import seed  # noqa: E402
from forum.usernames import username_skeleton  # noqa: E402

DEFAULT_PASSWORD = "bench-password-not-secret"
USERNAME_FORMAT = "reader{:04d}"
BATCH = 20_000
DAY = 86_400.0

# Categories get threads in these proportions; the long thread is in "experiences".
CATEGORY_WEIGHTS = {"experiences": 6, "side-effects-safety": 3, "introductions": 2,
                    "family-friends": 2, "therapists-clinicians": 1, "research-resources": 1}
LONG_THREAD_CATEGORY = "experiences"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("FORUM_DATABASE_URL"),
                        help="SQLAlchemy URL (default: $FORUM_DATABASE_URL)")
    parser.add_argument("--members", type=int, default=5_000)
    parser.add_argument("--threads", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=500_000)
    parser.add_argument("--long-thread", type=int, default=2_000,
                        help="posts in the one long thread")
    parser.add_argument("--password", default=DEFAULT_PASSWORD,
                        help="every member's password")
    parser.add_argument("--reset", action="store_true",
                        help="delete the SQLite file / drop every table of the PostgreSQL "
                             "database first")
    parser.add_argument("--manifest", type=Path, help="write what was built here (JSON)")
    parser.add_argument("--random-seed", type=int, default=20240229)
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set FORUM_DATABASE_URL")
    if args.threads < 2 or args.posts < args.threads - 1 + args.long_thread:
        parser.error("need at least 2 threads and one post per thread besides the long one")
    return args


# --- the shape of the forum, computed in memory -------------------------------------

def post_counts(rng, threads: int, posts: int, long_thread: int) -> list[int]:
    """Posts per thread: one thread of `long_thread`, the rest long-tailed, all >= 1,
    none as long as the long thread, summing to `posts`."""
    others = threads - 1
    spare = posts - long_thread - others            # posts beyond the first of each thread
    weights = [rng.lognormvariate(0, 1.2) for _ in range(others)]
    scale = spare / sum(weights)
    counts = [1 + min(int(w * scale), long_thread - 2) for w in weights]
    missing = posts - long_thread - sum(counts)
    while missing > 0:                               # rounding and the cap left some over
        i = rng.randrange(others)
        if counts[i] < long_thread - 1:
            counts[i] += 1
            missing -= 1
    return [long_thread, *counts]


def build_threads(rng, counts, category_ids, now: float):
    """Per thread: (post count, category id, author, first-post time, post times).

    Returned in order of first post, which becomes the thread id order."""
    slugs = list(CATEGORY_WEIGHTS)
    weights = [CATEGORY_WEIGHTS[s] for s in slugs]
    start = now - 730 * DAY
    threads = []
    for n, count in enumerate(counts):
        if n == 0:       # the long thread: a daily check-in running for most of two years
            begun, gap = now - 700 * DAY, 690 * DAY / count
            slug = LONG_THREAD_CATEGORY
        else:
            begun = rng.uniform(start, now - DAY)
            gap = rng.choice((600.0, 3_600.0, 4 * 3_600.0, DAY))
            slug = rng.choices(slugs, weights)[0]
        times, t = [], begun
        for _ in range(count):
            times.append(t)
            t += rng.expovariate(1 / gap)
        if times[-1] > now:          # squeeze a thread that would run into the future
            squeeze = (now - begun) / (times[-1] - begun)
            times = [begun + (t - begun) * squeeze for t in times]
        threads.append((n == 0, category_ids[slug], times))
    threads.sort(key=lambda thread: thread[2][0])
    return threads


# Features that newer schemas have; the seed fills them in when they exist.
VERIFIED_EVERY = 50


def verified_professions() -> list[str]:
    if "verified_profession" not in User.__table__.c:
        return []
    from forum.models.resource import Profession
    return [p.value for p in Profession]


def mentions_dose(body: str) -> bool:
    """As the forum marks a post when it is written (forum.safety)."""
    try:
        from forum.safety import mentions_dose as detect
    except ImportError:
        return False
    return detect(body)


# --- writing ---------------------------------------------------------------------------

def reset_database(url) -> None:
    if url.get_backend_name() == "sqlite":
        path = Path(url.database)
        if not path.is_absolute():           # as Flask-SQLAlchemy resolves it
            path = ROOT / "instance" / path
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    if url.database in ("test", "postgres", "template0", "template1"):
        raise SystemExit(f"refusing to reset the database {url.database!r}; "
                         "create one for the bench (createdb forum_bench)")
    from sqlalchemy import create_engine
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def fill_defaults(table, given: list[str]) -> dict:
    """Values for the columns we do not set (e.g. ones added by a later migration),
    taken from the model's Python-side defaults, evaluated once."""
    extra = {}
    for column in table.columns:
        if column.name in given or column.primary_key or column.default is None:
            continue
        arg = column.default.arg
        extra[column.name] = arg(None) if callable(arg) else arg
    return extra


class Writer:
    """Batches of rows into one table: Core executemany, or COPY on PostgreSQL."""

    def __init__(self, connection, table, columns, bar):
        self.connection, self.table, self.bar = connection, table, bar
        self.defaults = fill_defaults(table, columns)
        self.columns = [*columns, *self.defaults]
        self.rows = []
        self.postgres = connection.dialect.name == "postgresql"

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        extra = tuple(self.defaults.values())
        if self.postgres:
            cursor = self.connection.connection.driver_connection.cursor()
            names = ", ".join(self.columns)
            with cursor.copy(f"COPY {self.table.name} ({names}) FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row(row + extra)
            cursor.close()
        else:
            self.connection.execute(insert(self.table),
                                    [dict(zip(self.columns, row + extra)) for row in self.rows])
        self.bar.update(len(self.rows))
        self.rows = []


def main(argv=None) -> int:
    args = parse_args(argv)
    url = make_url(args.database_url)
    began = time.perf_counter()
    if args.reset:
        reset_database(url)

    app = create_app("config.Config", DATABASE_URL=args.database_url,
                     SQLALCHEMY_DATABASE_URI=args.database_url)
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()                                             # flask --app forum db upgrade
        if db.session.scalar(select(func.count()).select_from(User)):
            raise SystemExit("the database already has members; use --reset to start over")
        seed()
        category_ids = dict(db.session.execute(select(Category.slug, Category.id)).all())
        missing = set(CATEGORY_WEIGHTS) - set(category_ids)
        if missing:
            raise SystemExit(f"seed() did not create the categories {sorted(missing)}")
        password_hash = hash_password(args.password)            # once, reused for every row
        bodies = [(body, render_markdown(body), mentions_dose(body)) for body in corpus.BODIES]
        db.session.commit()

        rng = random.Random(args.random_seed)
        now = datetime.now(UTC).replace(microsecond=0)
        counts = post_counts(rng, args.threads, args.posts, args.long_thread)
        threads = build_threads(rng, counts, category_ids, now.timestamp())
        # Every post, in the order it was written across the forum: (time, thread, position).
        events = [(t, thread_id, position)
                  for thread_id, (_long, _cat, times) in enumerate(threads, start=1)
                  for position, t in enumerate(times, start=1)]
        events.sort()
        authors = [[rng.randint(1, args.members) for _ in times] for _l, _c, times in threads]
        stamp = lambda seconds: datetime.fromtimestamp(seconds, UTC)  # noqa: E731
        shaped = time.perf_counter()

        total = args.members + len(threads) + len(events)
        # One transaction: all or nothing (after a failure, run again with --reset).
        with db.engine.begin() as connection, \
                click.progressbar(length=total, label="seeding", file=sys.stderr,
                                  show_eta=True, show_percent=True) as bar:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA cache_size=-262144")   # 256 MB
            member_since = now - timedelta(days=760)
            # Their published posts count as approved (as migration 0003 counts them), so
            # their next post is not held for review.
            approved = Counter(a for thread_authors in authors for a in thread_authors)
            # Verified addresses and consent to the current privacy notice, as members who
            # registered through the forms have: otherwise every bench login would land on
            # the consent page and every post on "confirm your address" (issue #11).
            policy = current_app.config["PRIVACY_POLICY_VERSION"]
            columns = ["id", "username", "username_key", "email", "email_key",
                       "password_hash", "role", "session_version", "created_at",
                       "approved_post_count", "email_verified_at", "health_consent_version"]
            # One member in VERIFIED_EVERY is a verified professional, so badges show.
            professions = verified_professions()
            if professions:
                columns.append("verified_profession")
            users = Writer(connection, User.__table__, columns, bar)
            for n in range(1, args.members + 1):
                name = USERNAME_FORMAT.format(n)
                row = (n, name, username_skeleton(name), f"{name}@example.org",
                       f"{name}@example.org", password_hash, "member", 1,
                       member_since + timedelta(minutes=n), approved[n],
                       member_since + timedelta(minutes=n), policy)
                if professions:
                    verified = n % VERIFIED_EVERY == 0
                    profession = professions[n // VERIFIED_EVERY % len(professions)]
                    row += (profession if verified else None,)
                users.add(row)
            users.flush()

            titles = corpus.TITLES
            thread_rows = Writer(connection, Thread.__table__,
                                 ["id", "category_id", "author_id", "title", "status",
                                  "created_at", "last_post_at", "last_poster_id", "post_count",
                                  "last_position", "pinned"], bar)
            long_thread_id = None
            for thread_id, (is_long, category_id, times) in enumerate(threads, start=1):
                if is_long:
                    long_thread_id, title = thread_id, corpus.LONG_THREAD_TITLE
                else:
                    title = titles[thread_id % len(titles)]
                who = authors[thread_id - 1]
                thread_rows.add((thread_id, category_id, who[0], title, "published",
                                 stamp(times[0]), stamp(times[-1]), who[-1], len(times),
                                 len(times), False))
            thread_rows.flush()

            columns = ["id", "thread_id", "author_id", "position", "body", "body_html",
                       "status", "created_at"]
            marks_dose = "mentions_dose" in Post.__table__.c
            if marks_dose:
                columns.append("mentions_dose")
            post_rows = Writer(connection, Post.__table__, columns, bar)
            pick = rng.randrange
            for post_id, (t, thread_id, position) in enumerate(events, start=1):
                body, html, dose = bodies[pick(len(bodies))]
                row = (post_id, thread_id, authors[thread_id - 1][position - 1],
                       position, body, html, "published", stamp(t))
                post_rows.add(row + (dose,) if marks_dose else row)
            post_rows.flush()

            per_category = Counter(category_id for _l, category_id, _t in threads)
            for category_id, count in per_category.items():
                connection.execute(Category.__table__.update()
                                   .where(Category.id == category_id)
                                   .values(thread_count=count))
            if connection.dialect.name == "postgresql":
                # Rows came with explicit ids: move the sequences past them.
                for table in ("users", "threads", "posts"):
                    connection.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))")
        loaded = time.perf_counter()

        # Statistics for the planner, as autovacuum (PostgreSQL) or `PRAGMA optimize`
        # (SQLite) would have gathered them on a forum that grew to this size.
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM ANALYZE")
        else:
            with db.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
        finished = time.perf_counter()

        biggest = max(per_category, key=per_category.get)
        slug = next(s for s, i in category_ids.items() if i == biggest)
        per_page = app.config["POSTS_PER_PAGE"]
        # A typical thread with a full first page, besides the long one.
        typical = next(n for n, (is_long, _c, times) in enumerate(threads, start=1)
                       if not is_long and per_page <= len(times) <= 2 * per_page)
        manifest = {
            "database_url": args.database_url,
            "dialect": db.engine.dialect.name,
            "members": args.members, "threads": len(threads), "posts": len(events),
            "long_thread_id": long_thread_id,
            "long_thread_posts": args.long_thread,
            "long_thread_pages": -(-args.long_thread // per_page),
            "typical_thread_id": typical,
            "biggest_category": slug,
            "username_format": USERNAME_FORMAT,
            "password": args.password,
            "seeded_at": now.isoformat(timespec="seconds"),
            "seconds": {"total": round(finished - began, 1),
                        "shape": round(shaped - began, 1),
                        "load": round(loaded - shaped, 1),
                        "analyze": round(finished - loaded, 1)},
        }
    if args.manifest:
        args.manifest.parent.mkdir(parents=True, exist_ok=True)
        args.manifest.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"seeded {manifest['members']:,} members, {manifest['threads']:,} threads, "
          f"{manifest['posts']:,} posts in {manifest['seconds']['total']} s "
          f"(shape {manifest['seconds']['shape']} s, load {manifest['seconds']['load']} s, "
          f"analyze {manifest['seconds']['analyze']} s); long thread /t/{long_thread_id}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
