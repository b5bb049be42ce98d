"""Write load: 20 members reply at once for 60 s; then the database is checked.

    .venv/bin/python bench/write_load.py --manifest bench/results/seed-sqlite.json

Starts the forum under gunicorn (2 sync workers, 127.0.0.1, config.Config) with rate
limiting switched off (FORUM_RATELIMIT_ENABLED=false, for this server only: the login
limit of 6/min per IP would otherwise stop 20 clients logging in from one address).
Each client logs in through the real /login form (CSRF token from the form), takes the
reply form's CSRF token from a thread page, then posts replies until time is up: half of
them to one shared "hot" thread (every reply there competes for the thread's next
position), half spread over 40 other threads. Every reply has its own idempotency_key
(32 hex characters, as the form's); every tenth is submitted three times with the same
key, twice at the same moment and once more after, as a double click and a retry would.

A reply is acknowledged when the answer is a 302 to the new post. Afterwards:
- every acknowledged key is in the database exactly once, as the post the 302 named;
- no post from the run exists without an acknowledgement;
- the three submissions of one key were all answered with the same post;
- in every thread written to, positions run 1..n without gaps or repeats and the
  thread's counters (post_count, last_position) match its posts.
Any other answer than a 302 is an error. Exit status 0 only with zero errors and every
check passed.

--kill-worker-every SECONDS (issue #13): a gunicorn worker is killed with SIGKILL that
often during the run (gunicorn starts a new one). The requests it was serving get no
answer (counted apart, as "dropped"); a post saved just before its worker died exists
without an acknowledgement, which is allowed (at most one per dropped request). Everything
else must hold as without kills: no acknowledged post missing, none doubled, the threads'
positions and counters consistent.
"""
import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from sqlalchemy import create_engine, text  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
POST_LOCATION = re.compile(r"/t/(\d+)(?:\?page=\d+)?#p(\d+)$")
REPEAT_EVERY = 10         # every tenth reply is sent three times with one key
BODIES = [
    "Thank you for this. Reading it tonight helped.",
    "Week two here. **Sleep is better**, cravings in the evening still there.\n\n"
    "- walking at six\n- texting my sister\n\nOne day at a time.",
    "> it gets easier\n\nIt does. Not in a straight line, but it does.",
]


class Client:
    """One member's browser: cookies, one connection per request (as gunicorn's sync
    workers close each connection anyway), no redirects followed."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.lock = threading.Lock()

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {}
        with self.lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        with self.lock:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                if "Max-Age=0" in header or "01 Jan 1970" in header or not value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        return response.status, response.getheader("Location") or "", data.decode()

    def csrf_token(self, path: str) -> str:
        status, _, html = self.request("GET", path)
        match = CSRF.search(html)
        if status != 200 or match is None:
            raise RuntimeError(f"no form with a CSRF token at {path} (HTTP {status})")
        return match.group(1)

    def log_in(self, username: str, password: str) -> None:
        token = self.csrf_token("/login")
        status, location, _ = self.request("POST", "/login", {
            "csrf_token": token, "username": username, "password": password, "next": ""})
        if status != 302:
            raise RuntimeError(f"login of {username} answered {status} (to {location!r})")


class Tally:
    """What all clients saw, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acknowledged: dict[str, tuple[int, int]] = {}    # key -> (thread id, post id)
        self.statuses = Counter()
        self.latencies_ms: list[float] = []
        self.repeat_mismatches = 0
        self.failures: list[str] = []

    def record(self, status: int, began: float) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies_ms.append((time.perf_counter() - began) * 1000)


def reply_once(client: Client, tally: Tally, thread_id: int, form: dict):
    """POST one reply; (thread id, post id) of the post it answered with, or None."""
    began = time.perf_counter()
    try:
        status, location, _ = client.request("POST", f"/t/{thread_id}/reply", form)
    except OSError as error:
        with tally.lock:
            tally.statuses[f"exception {type(error).__name__}"] += 1
        return None
    tally.record(status, began)
    match = POST_LOCATION.search(location)
    if status != 302 or match is None:
        return None
    return int(match.group(1)), int(match.group(2))


def run_client(number: int, port: int, username: str, password: str, hot: int,
               others: list[int], timing: dict, tally: Tally, ready: threading.Barrier):
    client = Client(port)
    rng = random.Random(number)
    try:
        client.log_in(username, password)
        token = client.csrf_token(f"/t/{hot}")       # the reply form's token, for the session
    except Exception as error:  # noqa: BLE001 - a client that cannot start is a failure
        with tally.lock:
            tally.failures.append(f"client {number}: {error}")
        ready.abort()
        return
    try:
        ready.wait()               # everyone logged in: the clock starts (see main)
    except threading.BrokenBarrierError:
        return
    deadline = timing["deadline"]
    n = 0
    while time.perf_counter() < deadline:
        n += 1
        thread_id = hot if rng.random() < 0.5 else rng.choice(others)
        key = uuid.uuid4().hex
        form = {"csrf_token": token, "idempotency_key": key,
                "body": f"{BODIES[n % len(BODIES)]}\n\n(bench {username}, reply {n})"}
        if n % REPEAT_EVERY:
            answers = [reply_once(client, tally, thread_id, form)]
        else:   # a double click (two at once), then a retry of the same submission
            twins = [None, None]

            def send(i):
                twins[i] = reply_once(client, tally, thread_id, form)

            pair = [threading.Thread(target=send, args=(i,)) for i in (0, 1)]
            for t in pair:
                t.start()
            for t in pair:
                t.join()
            answers = [*twins, reply_once(client, tally, thread_id, form)]
        answered = {a for a in answers if a is not None}
        with tally.lock:
            if len(answered) > 1:
                tally.repeat_mismatches += 1
            if answered:
                tally.acknowledged[key] = answered.pop()


def start_server(database_url: str, port: int, workers: int, log: Path):
    env = dict(os.environ, FORUM_DATABASE_URL=database_url,
               FORUM_SECRET_KEY=secrets.token_urlsafe(48),
               FORUM_RATELIMIT_ENABLED="false")       # this bench server only: see above
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--error-logfile", str(log), "forum:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(150):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    stop_server(process)
    raise SystemExit(f"the forum did not start on port {port}; see {log}")


def kill_workers(master_pid: int, every: float, timing: dict, done: threading.Event,
                 kills: list[int]) -> None:
    """SIGKILL one of gunicorn's workers every `every` seconds once the clock runs."""
    rng = random.Random(master_pid)
    while "began" not in timing and not done.wait(0.1):
        pass
    while not done.wait(every):
        try:
            children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
        except OSError:
            return
        if children:
            victim = int(rng.choice(children))
            try:
                os.kill(victim, signal.SIGKILL)
                kills.append(victim)
            except ProcessLookupError:
                pass


def stop_server(process) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def engine_url(url: str) -> str:
    """The URL as the app resolves it: a relative SQLite path lives in instance/."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        return f"sqlite:///{ROOT / 'instance' / url.removeprefix('sqlite:///')}"
    return url


def snapshot(engine, long_thread_id: int, pool_size: int):
    with engine.connect() as c:
        threads = c.execute(text(
            "SELECT id FROM threads WHERE status = 'published' AND locked_at IS NULL "
            "AND id <> :long ORDER BY id LIMIT :n"), {"long": long_thread_id,
                                                      "n": pool_size + 1}).scalars().all()
        last_post_id = c.execute(text("SELECT max(id) FROM posts")).scalar() or 0
    return threads[0], list(threads[1:]), last_post_id


def verify(engine, tally: Tally, thread_ids: list[int], last_post_id: int) -> dict:
    keys = list(tally.acknowledged)
    found: dict[str, list[tuple[int, int]]] = {}
    with engine.connect() as c:
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            names = ", ".join(f":k{i}" for i in range(len(chunk)))
            for key, post_id, thread_id in c.execute(
                    text(f"SELECT idempotency_key, id, thread_id FROM posts "
                         f"WHERE idempotency_key IN ({names})"),
                    {f"k{i}": k for i, k in enumerate(chunk)}):
                found.setdefault(key, []).append((thread_id, post_id))
        new_posts = c.execute(text("SELECT count(*) FROM posts WHERE id > :last"),
                              {"last": last_post_id}).scalar()
        inconsistent = []
        for thread_id in thread_ids:
            row = c.execute(text(
                "SELECT t.post_count, t.last_position, count(p.id), count(DISTINCT p.position), "
                "min(p.position), max(p.position), "
                "sum(CASE WHEN p.status = 'published' THEN 1 ELSE 0 END) "
                "FROM threads t JOIN posts p ON p.thread_id = t.id WHERE t.id = :id "
                "GROUP BY t.post_count, t.last_position"), {"id": thread_id}).one()
            post_count, last_position, n, distinct, low, high, published = row
            if not (n == distinct == high == last_position and low == 1
                    and published == post_count):
                inconsistent.append({"thread": thread_id, "post_count": post_count,
                                     "last_position": last_position, "posts": n,
                                     "distinct_positions": distinct, "max_position": high,
                                     "published": published})
    missing = [k for k in keys if k not in found]
    doubled = [k for k, rows in found.items() if len(rows) > 1]
    wrong = [k for k, rows in found.items() if rows[0] != tally.acknowledged[k]]
    return {"missing": len(missing), "duplicated": len(doubled), "not_the_post_acknowledged":
            len(wrong), "unacknowledged_posts": new_posts - len(found),
            "inconsistent_threads": inconsistent}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, required=True,
                        help="written by seed_large.py: database, members, password")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8102)
    parser.add_argument("--threads", type=int, default=40, help="threads besides the hot one")
    parser.add_argument("--out", type=Path, help="append the result here (JSON line)")
    parser.add_argument("--log", type=Path, default=ROOT / "bench" / "results" / "write.log")
    parser.add_argument("--kill-worker-every", type=float, default=0, metavar="SECONDS",
                        help="SIGKILL one gunicorn worker this often during the run")
    args = parser.parse_args(argv)
    manifest = json.loads(args.manifest.read_text())
    engine = create_engine(engine_url(manifest["database_url"]))
    hot, others, last_post_id = snapshot(engine, manifest["long_thread_id"], args.threads)

    args.log.parent.mkdir(parents=True, exist_ok=True)
    args.log.unlink(missing_ok=True)          # gunicorn appends; keep this run's only
    server = start_server(manifest["database_url"], args.port, args.workers, args.log)
    tally = Tally()
    timing = {}

    def start_clock():
        timing["began"] = time.perf_counter()
        timing["deadline"] = timing["began"] + args.seconds

    # The clock starts when the last client has logged in (the barrier's action).
    ready = threading.Barrier(args.clients, action=start_clock, timeout=180)
    names = [manifest["username_format"].format(n) for n in range(1, args.clients + 1)]
    clients = [threading.Thread(target=run_client,
                                args=(i, args.port, names[i], manifest["password"], hot,
                                      others, timing, tally, ready))
               for i in range(args.clients)]
    killing = threading.Event()
    kills: list[int] = []
    killer = threading.Thread(target=kill_workers, daemon=True,
                              args=(server.pid, args.kill_worker_every, timing, killing, kills))
    try:
        for t in clients:
            t.start()
        if args.kill_worker_every:
            killer.start()
        for t in clients:
            t.join(timeout=args.seconds + 300)
        elapsed = time.perf_counter() - timing["began"] if "began" in timing else 0.0
    finally:
        killing.set()
        stop_server(server)

    checks = verify(engine, tally, [hot, *others], last_post_id)
    engine.dispose()
    latencies = sorted(tally.latencies_ms)
    pick = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1) \
        if latencies else None  # noqa: E731
    dropped = sum(n for status, n in tally.statuses.items()
                  if args.kill_worker_every and str(status).startswith("exception"))
    errors = sum(n for status, n in tally.statuses.items() if status != 302) - dropped
    result = {
        "database": manifest["dialect"], "clients": args.clients, "workers": args.workers,
        "seconds": round(elapsed, 1), "replies_acknowledged": len(tally.acknowledged),
        "posts_per_second": round(len(tally.acknowledged) / elapsed, 1) if elapsed else 0,
        "requests": sum(tally.statuses.values()), "errors": errors,
        "statuses": {str(k): v for k, v in tally.statuses.items()},
        "repeat_mismatches": tally.repeat_mismatches,
        "post_p50_ms": pick(0.50), "post_p99_ms": pick(0.99),
        "client_failures": tally.failures, **checks,
        "workers_killed": len(kills), "dropped_by_kills": dropped,
        "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    ok = (not tally.failures and errors == 0 and result["repeat_mismatches"] == 0
          and checks["missing"] == checks["duplicated"] == 0
          and checks["not_the_post_acknowledged"] == 0
          and 0 <= checks["unacknowledged_posts"] <= dropped
          and not checks["inconsistent_threads"] and result["replies_acknowledged"] > 0)
    result["passed"] = ok
    if args.out:
        with open(args.out, "a") as out:
            out.write(json.dumps(result) + "\n")
    print(f"  write load on {result['database']}: {result['replies_acknowledged']} replies "
          f"acknowledged in {result['seconds']} s = {result['posts_per_second']} posts/s "
          f"({result['requests']} requests, {errors} errors, POST p50 {result['post_p50_ms']} ms "
          f"p99 {result['post_p99_ms']} ms); missing {checks['missing']}, duplicated "
          f"{checks['duplicated']}, unacknowledged {checks['unacknowledged_posts']}, "
          f"repeat mismatches {result['repeat_mismatches']}, inconsistent threads "
          f"{len(checks['inconsistent_threads'])}"
          + (f", {len(kills)} workers killed ({dropped} requests dropped)"
             if args.kill_worker_every else "")
          + f" -> {'passed' if ok else 'FAILED'}",
          flush=True)
    for failure in tally.failures:
        print(f"  {failure}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
