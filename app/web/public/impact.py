"""The public impact page: headline figures of the school year (counts only, nobody named)
and the upcoming public events, to bring in new role models and schools."""

from __future__ import annotations

from flask import render_template

from app import local_time
from app.services.events import lifecycle
from app.services.statistics import impact as statistics
from app.web.public.views import bp
from app.web.statistics_view import number


@bp.get("/impact")
def impact():
    period = statistics.Period.school_year(local_time.today())
    html = render_template("public/impact.html", headline=statistics.headline(period),
                           events=lifecycle.upcoming_public_events(limit=6), fmt=number)
    # The same for everyone and slow to change: let browsers and proxies keep it a while.
    return html, 200, {"Cache-Control": "public, max-age=600"}
