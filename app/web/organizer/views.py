from flask import Blueprint, render_template
from flask_login import current_user

from app.services import events, visit_requests
from app.web.organizer.access import require_organizer

bp = Blueprint("organizer", __name__)
bp.before_request(require_organizer)


@bp.get("/")
def dashboard():
    return render_template(
        "organizer/dashboard.html",
        events=events.upcoming_events_for(current_user, limit=15),
        requests=visit_requests.list_open_requests(current_user, limit=15),
    )
