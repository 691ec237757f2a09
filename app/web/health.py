"""`GET /healthz` for load balancers and humans: database reachable, scheduler heartbeat age."""

from flask import Blueprint, jsonify

from app.services.operations import health

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    report = health.check()
    return jsonify(report), 200 if report["status"] == "ok" else 503
