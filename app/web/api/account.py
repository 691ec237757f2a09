"""Who a token acts as: a cheap call to check a token and see its scope."""

from __future__ import annotations

from flask import g

from app.web.api.schemas.account import MeSchema
from app.web.api.views import bp, etag, organizer_only


@bp.route("/me", tags=["Account"])
@organizer_only
@etag
@bp.response(200, MeSchema)
def me():
    """The token's account

    The organizer the token acts as, and the académies it may act on.
    """
    return g.actor
