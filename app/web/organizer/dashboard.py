from flask import current_app, render_template
from flask_login import current_user

from app.services import dashboard as dashboard_service
from app.web.organizer.forms import ActionForm
from app.web.organizer.views import bp


@bp.get("/")
def dashboard():
    board = dashboard_service.needs_attention(
        current_user, stale_after_days=current_app.config["STALE_INVITATION_DAYS"],
        expire_after_days=current_app.config["INVITATION_EXPIRY_DAYS"],
    )
    return render_template("organizer/dashboard.html", board=board, action_form=ActionForm())
