"""Forum: a self-hosted peer-support community."""
from pathlib import Path

from flask import Flask

from . import cli, errors, extensions, security, templating
from .accounts import bp as accounts_bp
from .auth import bp as auth_bp
from .flags import bp as flags_bp
from .moderation import bp as moderation_bp
from .moderation.public import public_bp as modlog_bp
from .notifications import bp as notifications_bp
from .pages import bp as pages_bp
from .resources import bp as resources_bp
from .threads import bp as threads_bp

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_object="config.Config", **overrides) -> Flask:
    app = Flask(__name__, instance_relative_config=True,
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.from_object(config_object)
    app.config.from_prefixed_env("FORUM")
    app.config.update(overrides)
    app.config.setdefault("MIGRATIONS_DIR", ROOT / "migrations")
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", app.config["DATABASE_URL"])
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    security.check_config(app)

    extensions.init_app(app)
    for bp in (pages_bp, auth_bp, threads_bp, flags_bp, accounts_bp, moderation_bp, modlog_bp,
               notifications_bp, resources_bp):
        app.register_blueprint(bp)
    for module in (errors, security, templating, cli):
        module.init_app(app)
    return app
