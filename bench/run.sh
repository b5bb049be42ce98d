#!/usr/bin/env bash
# The performance bench: the forum and the baseline served the same way (gunicorn, 2 sync
# workers, 127.0.0.1, config.Config), each page driven by wrk at 8 connections, on SQLite
# then PostgreSQL; then the write load. Prints the table and writes it, with the seed
# times and the write-load results, to bench/results/latest.md.
#
#   bench/run.sh [sqlite|postgresql|both]        (default: both)
#
# Environment: DURATION (s per page, 15), ROUNDS (1: split DURATION into rounds that take
# the pages in turn, so a busy neighbour weighs on all of them alike), WRITE_SECONDS (60;
# 0 skips the write load),
# RESEED=1 (build the large forum again even when bench/results/seed-*.json exists),
# SQLITE_URL, PG_URL (database forum_bench, created when missing; never `test`).
# The servers, wrk and the write-load clients share this machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-.venv}
PY=$VENV/bin/python
GUNICORN=$VENV/bin/gunicorn
OUT=bench/results
DURATION=${DURATION:-15}
ROUNDS=${ROUNDS:-1}
WRITE_SECONDS=${WRITE_SECONDS:-60}
SQLITE_URL=${SQLITE_URL:-sqlite:///$ROOT/instance/bench.db}
PG_URL=${PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/forum_bench}
FORUM_PORT=${FORUM_PORT:-8101}
BASELINE_PORT=${BASELINE_PORT:-8200}
WRITE_PORT=${WRITE_PORT:-8102}
WHICH=${1:-both}

mkdir -p "$OUT"
STAMP=$(date +%Y%m%d-%H%M%S)
READ=$OUT/read-$STAMP.jsonl
WRITE=$OUT/write-$STAMP.jsonl
CPU=$OUT/cpu-$STAMP.jsonl
RSS=$OUT/rss-$STAMP.jsonl
SECRET=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*"; }

wait_for() {  # bounded: 15 s
  for _ in $(seq 150); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "no answer from $1" >&2
  return 1
}

serve() {  # serve LOG PORT [ENV=VALUE ...] -- APP ; leaves the pid in $SERVED
  local log=$1 port=$2; shift 2
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  env "${envs[@]}" "$GUNICORN" -w 2 -b "127.0.0.1:$port" --error-logfile "$log" "$@" &
  SERVED=$!
  PIDS+=("$SERVED")
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

manifest() { "$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$@"; }

ensure_seeded() {  # ensure_seeded NAME URL
  local name=$1 url=$2 file=$OUT/seed-$1.json fresh=${RESEED:-0}
  if [ "$name" = postgresql ]; then
    local db=${url##*/}
    if ! psql -h 127.0.0.1 -U postgres -lqt | cut -d'|' -f1 | grep -qw "$db"; then
      createdb -h 127.0.0.1 -U postgres "$db"
      fresh=1
    fi
  elif [ ! -f "${url#sqlite:///}" ]; then
    fresh=1
  fi
  if [ "$fresh" = 1 ] || [ ! -f "$file" ] || [ "$(manifest "$file" database_url)" != "$url" ]; then
    say "seeding $name (5,000 members, 20,000 threads, 500,000 posts)"
    "$PY" bench/seed_large.py --database-url "$url" --reset --manifest "$file"
  else
    echo "reusing the $name forum of $file (RESEED=1 builds it again)"
    FORUM_DATABASE_URL=$url "$VENV/bin/flask" --app forum db upgrade 2>/dev/null
  fi
}

measure() {  # measure DATABASE LABEL URL [COOKIE]
  "$PY" bench/measure.py page --database "$1" --label "$2" --url "$3" --out "$READ" \
    --duration "$((DURATION / ROUNDS))" --warmup "$WARMUP" ${4:+--cookie "$4"}
}

bench_database() {  # bench_database NAME URL
  local name=$1 url=$2 file=$OUT/seed-$1.json
  ensure_seeded "$name" "$url"
  local long pages slug
  long=$(manifest "$file" long_thread_id)
  pages=$(manifest "$file" long_thread_pages)
  slug=$(manifest "$file" biggest_category)

  say "reads on $name: wrk -t2 -c8 -d$((DURATION / ROUNDS))s --latency per page and round, after a 3 s warm-up"
  # Two workers, as production: the rate limits and the anonymous page cache live in Redis
  # (the app refuses memory:// limits, and turns an in-process page cache off, with
  # several workers). Anonymous pages are measured warm (served from the cache); "cold",
  # the first request after a write, is the rendering that cpu_cost.py measures below.
  redis-cli -n "${BENCH_CACHE_DB:-13}" flushdb >/dev/null 2>&1 || true
  serve "$OUT/forum-$name.log" "$FORUM_PORT" FORUM_SECRET_KEY="$SECRET" \
    FORUM_DATABASE_URL="$url" FORUM_RATELIMIT_STORAGE_URI="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/14}" \
    FORUM_CACHE_URL="redis://127.0.0.1:6379/${BENCH_CACHE_DB:-13}" \
    -- 'forum:create_app()'
  local forum=$SERVED
  wait_for "http://127.0.0.1:$FORUM_PORT/healthz"
  local site=http://127.0.0.1:$FORUM_PORT round member cookie
  # A member with a real session: logged in through /login, like a browser.
  member=$("$PY" -c "import json,sys; m=json.load(open(sys.argv[1])); print(m['username_format'].format(1))" "$file")
  cookie=$("$PY" bench/measure.py login --site "$site" --username "$member" \
           --password "$(manifest "$file" password)")
  for round in $(seq "$ROUNDS"); do
    [ "$ROUNDS" = 1 ] || echo " round $round of $ROUNDS"
    WARMUP=$([ "$round" = 1 ] && echo 3 || echo 1)
    measure "$name" "home" "$site/"
    measure "$name" "category" "$site/c/$slug"
    measure "$name" "thread page 1" "$site/t/$long"
    measure "$name" "thread last page" "$site/t/$long?page=$pages"
    measure "$name" "member home" "$site/" "$cookie"
    measure "$name" "member category" "$site/c/$slug" "$cookie"
    measure "$name" "member thread page 1" "$site/t/$long" "$cookie"
    measure "$name" "member thread last page" "$site/t/$long?page=$pages" "$cookie"
    measure "$name" "baseline" "http://127.0.0.1:$BASELINE_PORT/t/$long"
  done
  "$PY" bench/measure.py rss --master "$forum" --database "$name" --out "$RSS"
  stop "$forum"

  say "CPU per request on $name, in-process (steadier than requests/s on a shared machine)"
  "$PY" bench/cpu_cost.py --manifest "$file" --database "$name" --out "$CPU"

  if [ "$WRITE_SECONDS" != 0 ]; then
    say "writes on $name: 20 clients for ${WRITE_SECONDS} s (rate limiting off for this server)"
    "$PY" bench/write_load.py --manifest "$file" --seconds "$WRITE_SECONDS" \
      --port "$WRITE_PORT" --out "$WRITE" --log "$OUT/write-$name.log" || true
  fi
}

ensure_wrk() {
  command -v wrk >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing wrk (Debian package wrk)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 && return 0
  fi
  echo "wrk not found (apt-get install -y wrk): using the slower Python generator" >&2
}

ensure_postgres() {
  pg_isready -q -h 127.0.0.1 -p 5432 && return 0
  say "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 1; done
  echo "PostgreSQL did not start" >&2
  return 1
}

ensure_wrk
case $WHICH in postgresql|both) ensure_postgres ;; esac

serve "$OUT/baseline.log" "$BASELINE_PORT" BENCH=1 -- --pythonpath bench baseline_app:app
wait_for "http://127.0.0.1:$BASELINE_PORT/t/1"

case $WHICH in
  sqlite) bench_database sqlite "$SQLITE_URL" ;;
  postgresql) bench_database postgresql "$PG_URL" ;;
  both) bench_database sqlite "$SQLITE_URL"; bench_database postgresql "$PG_URL" ;;
  *) echo "usage: $0 [sqlite|postgresql|both]" >&2; exit 2 ;;
esac

say "results"
args=("$READ" --markdown "$OUT/latest.md")
for name in sqlite postgresql; do
  [ -f "$OUT/seed-$name.json" ] && args+=(--seed "$OUT/seed-$name.json")
done
[ -f "$WRITE" ] && args+=(--write "$WRITE")
[ -f "$CPU" ] && args+=(--cpu "$CPU")
[ -f "$RSS" ] && args+=(--rss "$RSS")
"$PY" bench/measure.py report "${args[@]}"
