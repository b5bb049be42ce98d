"""Forum: a self-hosted peer-support community."""
import os
from pathlib import Path

from flask import Flask

from . import cli, errors, extensions, ops, pagecache, security, staticfiles, templating
from .accounts import bp as accounts_bp
from .auth import bp as auth_bp
from .flags import bp as flags_bp
from .messages import bp as messages_bp
from .moderation import bp as moderation_bp
from .moderation.public import public_bp as modlog_bp
from .notifications import bp as notifications_bp
from .pages import bp as pages_bp
from .resources import bp as resources_bp
from .search import bp as search_bp
from .reactions import bp as reactions_bp
from .feeds import bp as feeds_bp
from .threads import bp as threads_bp

ROOT = Path(__file__).resolve().parent.parent
# Where templates/, static/ and migrations/ are: in an installed distribution, the copy
# its build put inside the package (setup.py); in a checkout, its root.
_PACKAGED = Path(__file__).resolve().parent / "_site"
SITE = _PACKAGED if _PACKAGED.is_dir() else ROOT


def create_app(config_object="config.Config", **overrides) -> Flask:
    # FORUM_INSTANCE_PATH: where the SQLite file and the outbox live when installed
    # (otherwise Flask picks <prefix>/var/forum-instance).
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.environ.get("FORUM_INSTANCE_PATH") or None,
                template_folder=str(SITE / "templates"), static_folder=str(SITE / "static"))
    app.config.from_object(config_object)
    app.config.from_prefixed_env("FORUM")
    app.config.update(overrides)
    app.config.setdefault("MIGRATIONS_DIR", SITE / "migrations")
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", app.config["DATABASE_URL"])
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    security.check_config(app)

    extensions.init_app(app)
    for bp in (pages_bp, auth_bp, threads_bp, flags_bp, accounts_bp, moderation_bp, modlog_bp,
               notifications_bp, resources_bp, search_bp, reactions_bp, feeds_bp, messages_bp):
        app.register_blueprint(bp)
    for module in (errors, security, templating, cli, ops, pagecache, staticfiles):
        module.init_app(app)
    return app
