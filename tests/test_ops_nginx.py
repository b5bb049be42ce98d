"""The shipped nginx example (deploy/nginx-forum.conf) run for real in front of gunicorn
(issue #13): Debian's nginx on loopback ports, TLS with a throwaway certificate."""
import os
import shutil
import ssl
import subprocess

import pytest

from .factories import PASSWORD
from .ops_support import (ROOT, Client, build_schema, forum_env, free_port, fresh_pg_database,
                          start_gunicorn, stop, wait_until_serving)

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def site_config(app_port: int, http_port: int, https_port: int, cert, key) -> str:
    """deploy/nginx-forum.conf with this machine's ports and paths (nothing else)."""
    text = (ROOT / "deploy" / "nginx-forum.conf").read_text()
    text = "\n".join(line for line in text.splitlines() if "listen [::]" not in line)
    replacements = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/letsencrypt/live/forum.example.org/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/forum.example.org/privkey.pem": str(key),
        "/srv/forum/static/": f"{ROOT / 'static'}/",
    }
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx-forum.conf no longer has {old!r}"
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def behind_nginx(tmp_path_factory):
    if not os.path.exists(NGINX):
        pytest.fail("nginx is not installed: scripts/test.sh (make test) installs it "
                    "(apt-get install nginx)")
    place = tmp_path_factory.mktemp("nginx")
    cert, key = place / "cert.pem", place / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    database = fresh_pg_database("ops_nginx")
    build_schema(database)
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    env = forum_env(database, FORUM_PROXY_HOPS=1, FORUM_TRUSTED_HOSTS="127.0.0.1",
                    FORUM_RATELIMIT_KEY_PREFIX="ops-nginx", FORUM_LOG_CLIENT_IP=1,
                    FORUM_LOG_JSON=1)
    log = place / "gunicorn.log"
    app = start_gunicorn(env, app_port, log, workers=2,
                         app='forum:create_app("config.ProductionConfig")')
    (place / "forum.conf").write_text(site_config(app_port, http_port, https_port, cert, key))
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the temp dir
    (place / "nginx.conf").write_text(f"""{user}daemon off;
worker_processes 1;
pid {place}/nginx.pid;
error_log {place}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {place}/body;
    proxy_temp_path {place}/proxy;
    fastcgi_temp_path {place}/fastcgi;
    uwsgi_temp_path {place}/uwsgi;
    scgi_temp_path {place}/scgi;
    include {place}/forum.conf;
}}
""")
    checked = subprocess.run([NGINX, "-t", "-p", str(place), "-c", str(place / "nginx.conf")],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    nginx = subprocess.Popen([NGINX, "-p", str(place), "-c", str(place / "nginx.conf")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    context = ssl.create_default_context(cafile=str(cert))
    try:
        wait_until_serving(https_port, nginx, place / "error.log", "https", context)
        yield {"https": https_port, "http": http_port, "context": context, "log": log}
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        stop(app)


def browser(site, **headers):
    # A browser's same-origin Referer: Flask-WTF checks it on HTTPS (WTF_CSRF_SSL_STRICT),
    # which it only does because ProxyFix told it the request came over https.
    headers.setdefault("Referer", f"https://127.0.0.1:{site['https']}/login")
    return Client(site["https"], "https", context=site["context"], headers=headers)


def test_pages_come_through_tls_with_hsts(behind_nginx):
    home = browser(behind_nginx).request("GET", "/")
    assert home.status == 200 and "<main" in home.text
    assert home.getheader("Strict-Transport-Security").startswith("max-age=31536000")


def test_plain_http_is_sent_to_https(behind_nginx):
    answer = Client(behind_nginx["http"]).request("GET", "/t/1")
    assert answer.status == 301
    assert answer.getheader("Location").startswith("https://127.0.0.1")


def test_static_files_come_from_nginx_compressed(behind_nginx):
    css = browser(behind_nginx, **{"Accept-Encoding": "gzip"}).request(
        "GET", "/static/css/forum.css")
    assert css.status == 200 and css.getheader("Content-Encoding") == "gzip"
    assert "public" in css.getheader("Cache-Control")  # nginx's (expires 7d), not the app's
    assert css.getheader("Expires") and css.getheader("Server").startswith("nginx")


def test_a_member_logs_in_over_tls_and_the_app_knows_it_was_https(behind_nginx):
    member = browser(behind_nginx)
    answer = member.log_in("alice", PASSWORD)
    assert answer.status == 302
    cookie_header = " ".join(answer.headers.get_all("Set-Cookie"))
    assert "Secure" in cookie_header  # ProductionConfig, and the app saw X-Forwarded-Proto
    settings = member.request("GET", "/settings")
    assert settings.status == 200 and "alice" in settings.text


def test_a_forged_x_forwarded_for_does_not_dodge_the_login_limit(behind_nginx):
    answers = []
    for n in range(7):
        guesser = browser(behind_nginx, **{"X-Forwarded-For": f"203.0.113.{n}"})
        answers.append(guesser.log_in("bob", "not his password").status)
    assert answers[-1] == 429, answers
    lines = [line for line in behind_nginx["log"].read_text().splitlines()
             if '"path":"/login"' in line]
    assert lines and all('"client":"127.0.0.1"' in line for line in lines)
    assert "203.0.113" not in behind_nginx["log"].read_text()
