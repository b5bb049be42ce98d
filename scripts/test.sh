#!/usr/bin/env bash
# Runs the whole suite twice: on SQLite with in-memory rate limits, then on PostgreSQL
# with Redis-backed rate limits. Starts PostgreSQL, Redis and installs Chromium, Java and
# the Nu HTML Checker when they are missing, rather than skipping what needs them.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PYTEST="$VENV/bin/python -m pytest"
PG_URL=${FORUM_PG_TEST_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
REDIS_URL=${FORUM_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}

say() { printf '\n== %s\n' "$*"; }

ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  say "installing Chromium for the browser tests (Debian package chromium)"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
}

ensure_java() {  # the Nu HTML Checker (vnu.jar) runs on Java
  command -v java >/dev/null && return 0
  say "installing a Java runtime for the HTML checker (default-jre-headless)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
}

VNU_JAR=.cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar
ensure_vnu() {  # the Nu HTML Checker, from npm, kept out of git in .cache/
  [ -f "$VNU_JAR" ] && return 0
  if ! command -v npm >/dev/null; then
    say "installing npm to fetch the HTML checker"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
  fi
  say "installing the Nu HTML Checker (npm vnu-jar) into .cache/vnu"
  npm install --prefix .cache/vnu --no-audit --no-fund --loglevel=error vnu-jar@26.9.27
}

ensure_nginx() {  # tests/test_ops_nginx.py runs deploy/nginx-forum.conf for real
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] && return 0
  say "installing nginx for the proxy test (Debian package nginx)"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  fi
}

ensure_wheelhouse() {  # tests/test_ops_package.py installs the wheel offline from here
  say "fetching the dependencies' wheels into .cache/wheelhouse (for the install test)"
  "$VENV/bin/pip" download --quiet --dest .cache/wheelhouse . >/dev/null
}

ensure_postgres() {
  pg_isready -q -h 127.0.0.1 -p 5432 && return 0
  say "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 1; done
  echo "PostgreSQL did not start" >&2; return 1
}

ensure_redis() {
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return 0
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return 0; sleep 1; done
  echo "Redis did not start" >&2; return 1
}

ensure_chromium || exit 1
ensure_java || exit 1
ensure_vnu || exit 1
ensure_postgres || exit 1
ensure_redis || exit 1
ensure_nginx || exit 1
ensure_wheelhouse || exit 1
export FORUM_TEST_REDIS_URL="$REDIS_URL"
# The operations tests use PostgreSQL in both runs (databases <name>_ops_*).
export FORUM_PG_TEST_URL="$PG_URL"

status=0
say "suite on SQLite (rate limits in memory)"
env -u FORUM_TEST_DATABASE_URL -u FORUM_TEST_RATELIMIT_STORAGE_URI $PYTEST "$@" || status=1

say "suite on PostgreSQL (rate limits in Redis)"
FORUM_TEST_DATABASE_URL="$PG_URL" FORUM_TEST_RATELIMIT_STORAGE_URI="$REDIS_URL" \
  $PYTEST "$@" || status=1

if [ $status -ne 0 ]; then say "FAILED (see above)"; else say "both runs passed"; fi
exit $status
