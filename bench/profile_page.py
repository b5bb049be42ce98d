"""Profile one page of the large forum in-process: pyinstrument over N test-client requests.

    .venv/bin/python bench/profile_page.py --manifest bench/results/seed-sqlite.json /t/808
    ... --timing-only      (no profiler: mean ms per request, for before/after numbers)
    ... --sql              (also count the statements one request runs, and their time)

Same app, config and database as the bench server (config.Config); only the WSGI server
and the network are left out, so the numbers are per request of one worker process.
"""
import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from sqlalchemy import event  # noqa: E402

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="+", help="e.g. / /c/experiences /t/808?page=100")
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("-n", type=int, default=300, help="requests per path")
    parser.add_argument("--timing-only", action="store_true")
    parser.add_argument("--all", action="store_true", help="show library frames too")
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--explain", action="store_true",
                        help="with --sql: also the plan of each SELECT")
    parser.add_argument("--html", type=Path, help="write pyinstrument's HTML report here")
    parser.add_argument("--member", metavar="NAME",
                        help="request as this logged-in member (a real session cookie)")
    args = parser.parse_args(argv)
    manifest = json.loads(args.manifest.read_text())
    url = manifest["database_url"]
    app = create_app("config.Config", DATABASE_URL=url, SQLALCHEMY_DATABASE_URI=url,
                     SECRET_KEY="profile-" * 6, RATELIMIT_ENABLED=False,
                     PAGE_CACHE=not args.member)
    client = app.test_client()
    if args.member:
        from flask_login import FlaskLoginClient
        from forum.models import User
        app.test_client_class = FlaskLoginClient
        with app.app_context():
            member = db.session.query(User).filter_by(username=args.member).one()
            client = app.test_client(user=member)
    for path in args.path:
        for _ in range(20):                                   # warm caches and templates
            assert client.get(path).status_code == 200, path
        if args.sql:
            with app.app_context():
                engine = db.engine
            statements = []

            def before(conn, cursor, statement, params, context, executemany):
                context._began = time.perf_counter()

            def after(conn, cursor, statement, params, context, executemany):
                statements.append((statement, params,
                                   (time.perf_counter() - context._began) * 1000))

            event.listen(engine, "before_cursor_execute", before)
            event.listen(engine, "after_cursor_execute", after)
            client.get(path)
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)
            for statement, params, ms in statements:
                print(f"  {ms:7.2f} ms  {' '.join(statement.split())[:160]}")
                if args.explain and statement.lstrip().startswith("SELECT"):
                    print(f"      {' '.join(statement.split())}\n      {params}")
                    prefix = ("EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite"
                              else "EXPLAIN (ANALYZE, BUFFERS) ")
                    with engine.connect() as connection:
                        cursor = connection.connection.driver_connection.cursor()
                        cursor.execute(prefix + statement, params)
                        for row in cursor.fetchall():
                            print("      |", " ".join(str(v) for v in row))
        began, cpu_began = time.perf_counter(), time.process_time()
        if args.timing_only:
            for _ in range(args.n):
                client.get(path)
        else:
            from pyinstrument import Profiler
            profiler = Profiler(interval=0.0002)
            profiler.start()
            for _ in range(args.n):
                client.get(path)
            profiler.stop()
        ms = (time.perf_counter() - began) * 1000 / args.n
        cpu_ms = (time.process_time() - cpu_began) * 1000 / args.n
        # CPU time is the steadier number on a machine shared with other work.
        print(f"{path}: {cpu_ms:.2f} ms CPU, {ms:.2f} ms wall per request "
              f"({args.n} requests, {manifest['dialect']})")
        if not args.timing_only:
            print(profiler.output_text(unicode=True, color=False, show_all=args.all))
            if args.html:
                args.html.write_text(profiler.output_html())
    return 0


if __name__ == "__main__":
    sys.exit(main())
