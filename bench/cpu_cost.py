"""CPU time per request of each bench page, in-process: the steadier number when the
machine is shared (wrk's requests/s move with whatever else runs; CPU seconds spent by
this process on one request move much less).

    .venv/bin/python bench/cpu_cost.py --manifest bench/results/seed-sqlite.json \
        --database sqlite --out bench/results/cpu.jsonl

Calls the forum's and the baseline's WSGI apps directly (no server, no network), as
anonymous readers, and keeps the best of 7 runs of N requests per page (the best run is
the one the neighbours disturbed least). Database time
spent in another process (PostgreSQL's backend) is not in these numbers; the wrk table
has it.
"""
import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from werkzeug.test import EnvironBuilder  # noqa: E402


def cpu_ms_per_request(app, path: str, n: int) -> float:
    environ = EnvironBuilder(path=path).get_environ()

    def call():
        statuses = []
        body = app.wsgi_app(dict(environ), lambda status, headers, exc=None:
                            statuses.append(status))
        b"".join(body)
        if hasattr(body, "close"):
            body.close()
        if not statuses[0].startswith("200"):
            raise SystemExit(f"{path} answered {statuses[0]}")

    for _ in range(50):
        call()
    best = float("inf")
    for _ in range(7):
        began = time.process_time()
        for _ in range(n):
            call()
        best = min(best, (time.process_time() - began) * 1000 / n)
    return best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("-n", type=int, default=150)
    args = parser.parse_args(argv)
    manifest = json.loads(args.manifest.read_text())

    from baseline_app import app as baseline
    from forum import create_app
    url = manifest["database_url"]
    # The page cache off: this measures rendering, i.e. an anonymous page "cold" (the
    # first request after a write); warm pages come from the cache (bench/run.sh).
    forum = create_app("config.Config", DATABASE_URL=url, SQLALCHEMY_DATABASE_URI=url,
                       SECRET_KEY="cpu-cost-" * 6, PAGE_CACHE=False)
    long_thread = manifest["long_thread_id"]
    pages = [("home", forum, "/"),
             ("category", forum, f"/c/{manifest['biggest_category']}"),
             ("thread page 1", forum, f"/t/{long_thread}"),
             ("thread last page", forum,
              f"/t/{long_thread}?page={manifest['long_thread_pages']}"),
             ("baseline", baseline, f"/t/{long_thread}")]
    with open(args.out, "a") as out:
        for label, app, path in pages:
            ms = cpu_ms_per_request(app, path, args.n)
            out.write(json.dumps({"database": args.database, "label": label,
                                  "cpu_ms": round(ms, 3)}) + "\n")
            print(f"  {label:<18} {ms:6.2f} ms CPU per request (in-process)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
