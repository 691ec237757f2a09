"""The organizer's personal calendar feed: the events of their scope, in their calendar app.

Only the token's hash is stored, so the address is shown once, right after it is made;
making a new one revokes the old address at once."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from app.feeds import tokens
from app.links import external_url, webcal_url
from app.models import FeedKind
from app.web import units
from app.web.organizer.forms import ActionForm
from app.web.organizer.views import bp


@bp.get("/agenda")
def feed_settings():
    return render_template("organizer/feed.html", action_form=ActionForm(), url=None,
                           current=tokens.current(FeedKind.ORGANIZER, user=current_user))


@bp.post("/agenda")
def feed_regenerate():
    form = ActionForm()
    if not form.validate_on_submit():
        return feed_settings()
    token = units.run(tokens.issue, FeedKind.ORGANIZER, user=current_user)
    url = external_url("feeds.organizer_feed", token=token)
    response = render_template("organizer/feed.html", action_form=ActionForm(), url=url, webcal=webcal_url(url),
                               current=tokens.current(FeedKind.ORGANIZER, user=current_user))
    return response, 200, {"Cache-Control": "no-store"}
