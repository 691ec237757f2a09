"""Role models working in the organizer's académies (those covering one of its départements)."""

from __future__ import annotations

from flask import g

from app.services.events import listings
from app.services.role_models import directory
from app.web.api.schemas.role_models import RoleModelArgs, RoleModelDetailSchema, RoleModelPageSchema
from app.web.api.views import bp, etag, next_link, organizer_only

TAG = ["Role models"]


class _Detail:
    """A profile read as one object: the role model's attributes and this month's engagements."""

    def __init__(self, profile: directory.Profile):
        self._profile = profile
        self.engaged_this_month = profile.engaged_this_month

    def __getattr__(self, name):
        return getattr(self._profile.role_model, name)


@bp.route("/role-models", tags=TAG)
@organizer_only
@etag
@bp.arguments(RoleModelArgs, location="query")
@bp.response(200, RoleModelPageSchema)
def list_role_models(args):
    """Role models

    People who cover at least one département of your académies, by name.
    """
    query = listings.RoleModelQuery(
        text=args.get("q", ""),
        status=args.get("status"),
        job_family=args.get("job_family"),
        departement=args.get("departement"),
    )
    page = listings.role_models(g.actor, query, cursor=args.get("cursor"), limit=args["limit"])
    return page, next_link(page.next_cursor)


@bp.route("/role-models/<int(max=2147483647):role_model_id>", tags=TAG)
@organizer_only
@etag
@bp.response(200, RoleModelDetailSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_role_model(role_model_id: int):
    """A role model

    The profile with weekly availability, days off and how many engagements this month.
    """
    return _Detail(directory.get_profile(g.actor, role_model_id))
