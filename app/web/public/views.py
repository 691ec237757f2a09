from flask import Blueprint, render_template

from app.services.events import lifecycle

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("public/home.html", events=lifecycle.upcoming_public_events(limit=12))
