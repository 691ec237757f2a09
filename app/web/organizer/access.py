"""Access rule shared by every organizer page."""

from flask import abort
from flask_login import current_user, login_required


@login_required
def require_organizer():
    if not current_user.is_organizer:
        abort(403)
