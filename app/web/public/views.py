from flask import Blueprint, render_template

from app.services import events

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("public/home.html", events=events.upcoming_public_events(limit=12))
