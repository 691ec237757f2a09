"""The application factory: extensions, blueprints, hooks and commands are registered explicitly,
in the order written here, and the WSGI layers around the app are built in one place
(app/wsgi_stack.py)."""

from __future__ import annotations

import os

from flask import Flask

from config import Config, config_from_env


def create_app(config: type[Config] | None = None, **overrides) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config or config_from_env())
    app.config.update(overrides)
    _check_config(app)
    os.makedirs(app.instance_path, exist_ok=True)

    _init_extensions(app)
    _register_blueprints(app)

    from app import cli, errors, i18n, request_log, security, transactions
    from app.web import form_text
    from app.wsgi_stack import build_wsgi_stack

    i18n.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    security.init_app(app)
    request_log.init_app(app)
    form_text.init_app(app)
    # Before every other hook (the rate limiter's reads API tokens from the database): the
    # request's SQLite write intent, then its id and start time for the log line.
    app.before_request_funcs.setdefault(None, [])[:0] = [transactions.set_intent, request_log.start]
    transactions.wrap_views(app)
    app.wsgi_app = build_wsgi_stack(app)

    if app.config.get("SCHEDULER_IN_PROCESS") and not app.config.get("TESTING"):
        from app import jobs

        jobs.start_in_process(app)
    return app


def _check_config(app: Flask) -> None:
    """Refuse to start on a configuration that is wrong (every problem listed at once), and
    log what is merely unwise (app/config_checks.py)."""
    from app.config_checks import ConfigError, check

    errors, warnings = check(app.config)
    for warning in warnings:
        app.logger.warning("configuration: %s", warning)
    if errors:
        raise ConfigError(errors)


def _init_extensions(app: Flask) -> None:
    from app import models, sqlite  # noqa: F401  (models registers every table)
    from app.extensions import csrf, db, limiter, login_manager, migrate
    from app.feeds import cache, stamp_watch
    from app.services.pairing import proposals

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with app.app_context():
        sqlite.configure(db.engine)
    cache.track_changes()
    stamp_watch.init_app(app)
    # When a participation ends, matching proposes someone else (a signal: assignments know
    # nothing of matching).
    proposals.backfill_when_participations_end()
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from app.web.auth import load_user

    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"


def _register_blueprints(app: Flask) -> None:
    from app.web import routing

    routing.init_app(app)

    from app.web.auth import bp as auth_bp
    from app.web.feedback import bp as feedback_bp
    from app.web.feeds import bp as feeds_bp
    from app.web.health import bp as health_bp
    from app.web.organizer import bp as organizer_bp
    from app.web.portal import bp as portal_bp
    from app.web.public import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(organizer_bp, url_prefix="/organisation")
    app.register_blueprint(portal_bp, url_prefix="/espace")
    app.register_blueprint(health_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(feedback_bp)

    from app.web import api

    api.init_app(app)  # /api/v1/, its OpenAPI document and docs
