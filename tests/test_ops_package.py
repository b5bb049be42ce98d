"""The forum as an operator installs it (issue #13): a wheel in a fresh virtualenv, run
from a directory that is not the checkout, as systemd units and cron jobs run it."""
import os
import subprocess
import sys
import venv

import pytest

from .ops_support import ROOT, Client, free_port, start_gunicorn, stop

WHEELHOUSE = ROOT / ".cache" / "wheelhouse"


def run(*command, cwd, env=None):
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, f"{command}: {done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtualenv with the forum's wheel (and its dependencies, from the local
    wheelhouse scripts/test.sh fills: no test reaches beyond 127.0.0.1)."""
    if not any(WHEELHOUSE.glob("*.whl")):
        pytest.fail(f"No wheels in {WHEELHOUSE}: scripts/test.sh (make test) fills it with "
                    f"`pip download --dest {WHEELHOUSE} .`")
    place = tmp_path_factory.mktemp("install")
    dist = place / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
        "--wheel-dir", dist, ROOT, cwd=place)
    venv.create(place / "venv", with_pip=True)
    bin_dir = place / "venv" / "bin"
    run(bin_dir / "pip", "install", "--quiet", "--no-index", "--find-links", WHEELHOUSE,
        "--find-links", dist, "forum", cwd=place)
    srv = place / "srv"
    srv.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("FORUM_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(PATH=f"{bin_dir}:{env.get('PATH', '')}",
               FORUM_DATABASE_URL=f"sqlite:///{place / 'data' / 'forum.db'}",
               FORUM_INSTANCE_PATH=str(place / "instance"),
               FORUM_SECRET_KEY="x" * 48)
    (place / "data").mkdir()
    return bin_dir, srv, env


def test_the_installed_forum_runs_from_any_directory(installed, tmp_path):
    bin_dir, srv, env = installed
    where = run(bin_dir / "python", "-c",
                "import config, forum; print(forum.__file__); print(config.__file__)",
                cwd=srv, env=env)
    assert str(ROOT) not in where and str(bin_dir.parent) in where  # not the checkout's
    run(bin_dir / "flask", "--app", "forum", "db", "upgrade", cwd=srv, env=env)
    assert "added" in run(bin_dir / "flask", "--app", "forum", "seed", cwd=srv, env=env)

    port = free_port()
    server = start_gunicorn(env, port, tmp_path / "gunicorn.log", cwd=srv,
                            gunicorn=bin_dir / "gunicorn")
    try:
        home = Client(port).request("GET", "/")
        assert home.status == 200 and "<main" in home.text
        assert "/c/" in home.text  # the seeded categories
        assert Client(port).request("GET", "/static/css/forum.css").status == 200
        assert Client(port).request("GET", "/healthz").status == 200
    finally:
        stop(server)


def test_the_installed_forum_backs_itself_up(installed, tmp_path):
    bin_dir, srv, env = installed
    run(bin_dir / "flask", "--app", "forum", "db", "upgrade", cwd=srv, env=env)
    out = run(bin_dir / "flask", "--app", "forum", "backup", tmp_path / "forum.backup",
              cwd=srv, env=env)
    assert "Backed up" in out and (tmp_path / "forum.backup").stat().st_size > 0
