"""The privacy notice (what is kept about school staff, why, how long, whom to ask)."""

from flask import current_app, render_template

from app.web.public.views import bp


@bp.get("/confidentialite")
def privacy():
    return render_template(
        "public/privacy.html", retention_years=current_app.config["RETENTION_YEARS"],
        contact=current_app.config["PRIVACY_CONTACT"],
    )
