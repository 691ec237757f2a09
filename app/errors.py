"""Error pages in French, and problem+json for API clients (RFC 9457)."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def _wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, title: str, detail: str | None = None, **extra):
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


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
            from app.web.api.problems import http_problem

            return http_problem(error)
        messages = {
            403: _("Vous n'avez pas accès à cette page."),
            404: _("Cette page n'existe pas."),
            405: _("Cette action n'est pas permise ici."),
            429: _("Trop de tentatives. Patientez un peu avant de réessayer."),
        }
        message = messages.get(error.code, error.description)
        return render_template("errors/error.html", code=error.code, message=message), error.code
