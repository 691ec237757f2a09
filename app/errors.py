"""Error pages in French, and problem+json for API clients (RFC 9457, app/web/api/problems.py)."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from app.extensions import login_manager
from app.private_apis import set_signed_in_user, signed_in_user_cached
from app.services.common.errors import DomainError
from app.transactions import rollback_quietly
from app.web.api.problems import domain_problem, http_problem, problem

# Seconds a client should wait before trying again when the database is unreachable.
UNAVAILABLE_RETRY_AFTER = 5


def _wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _("Le formulaire a expiré ou n'a pas pu être vérifié. Rechargez la page et réessayez.")
        if _wants_problem_json():
            return problem(400, "CSRF", message)
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if _wants_problem_json():
            return http_problem(error)
        messages = {
            403: _("Vous n'avez pas accès à cette page."),
            404: _("Cette page n'existe pas."),
            405: _("Cette action n'est pas permise ici."),
            413: _("Ce que vous avez envoyé est trop volumineux. Raccourcissez-le et réessayez."),
            429: _("Trop de tentatives. Patientez un peu avant de réessayer."),
        }
        message = messages.get(error.code, error.description)
        return render_template("errors/error.html", code=error.code, message=message), error.code

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        """What a view's unit (`app.web.units`) raised rather than gave back to a form: a missing
        or out-of-scope object (404, 403) above all. The API blueprint answers its own."""
        rollback_quietly()
        if _wants_problem_json():
            return domain_problem(error)
        return render_template("errors/error.html", code=error.status, message=error.message), error.status

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(error: Exception):
        """Database unreachable or busy (restart, failover, network): a clean 503 the person
        or the client can retry, never a 500. Nothing was half-saved: one commit per request."""
        app.logger.warning("database unavailable: %s", type(getattr(error, "orig", error)).__name__)
        rollback_quietly()
        # The page must not need the database: who is signed in cannot be looked up now.
        if signed_in_user_cached() is None:
            set_signed_in_user(login_manager.anonymous_user())
        message = _("Le service est momentanément indisponible. Réessayez dans quelques instants : "
                    "rien de ce que vous avez envoyé n'a été enregistré à moitié.")
        if _wants_problem_json():
            response = problem(503, "Service Unavailable", "The database is unavailable; retry shortly.",
                               code="unavailable")
        else:
            response = app.make_response((render_template("errors/error.html", code=503, message=message), 503))
        response.headers["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
        return response

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        # Two people changing the same thing at once and a constraint refused the second: a
        # conflict to reload and retry (the API blueprint answers its own problem+json).
        rollback_quietly()
        if _wants_problem_json():
            return problem(409, "Conflict", "This clashes with a change made at the same time.", code="conflict")
        message = _("Quelqu'un a modifié la même chose au même moment : rechargez la page et réessayez.")
        return render_template("errors/error.html", code=409, message=message), 409

