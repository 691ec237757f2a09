"""Schools' visit requests: made through the API with the form's validation and idempotency
(the service is the same), then followed with the private token given once."""

from __future__ import annotations

from flask import current_app, g, request

from app.extensions import limiter
from app.links import external_url
from app.models import VisitRequest
from app.services.common.errors import NotFound
from app.services.requests import emails, visit_requests
from app.services.requests.schools import NewSchool
from app.services.requests.windows import Window
from app.web import units
from app.web.api.schemas.visit_requests import (
    VISIT_REQUEST_EXAMPLE,
    IdempotencyHeaders,
    VisitRequestCreatedSchema,
    VisitRequestCreateSchema,
    VisitRequestFollowupSchema,
)
from app.web.api.views import bp, current_token, etag

TAG = ["Visit requests"]
# The API nests the contact, which the service's request data keeps flat, and takes the
# idempotency key as a header.
FIELD_ALIASES = {
    "contact_name": "contact.name",
    "email": "contact.email",
    "phone": "contact.phone",
    "idempotency_key": "Idempotency-Key",
}
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _form_rate_limit() -> str:
    return current_app.config["REQUEST_FORM_RATE_LIMIT"]


def _has_token() -> bool:
    """Partners sending a valid token are held to the API's limit, not the public form's."""
    return bool(request.headers.get("Authorization")) and current_token() is not None


def _request_data(body: dict) -> visit_requests.RequestData:
    school, contact = body["school"], body["contact"]
    return visit_requests.RequestData(
        uai=body["uai"],
        school=NewSchool(
            name=school["name"],
            commune=school["commune"],
            postal_code=school["postal_code"],
            kind=school["kind"],
            priority=school["priority"],
        ),
        contact_name=contact["name"],
        contact_role=contact["role"],
        email=contact["email"],
        phone=contact["phone"],
        format=body["format"],
        delivery=body["delivery"],
        class_levels=body["class_levels"],
        headcount=body["headcount"],
        girls_count=body["girls_count"],
        topics=body["topics"],
        windows=[Window(w["start_date"], w["end_date"], w["time_of_day"]) for w in body["windows"]],
        remarks=body["remarks"],
        address=body["address"],
        consent=body["consent"],
        locale=body["locale"],
    )


@bp.route("/visit-requests", methods=["POST"], tags=TAG)
@limiter.limit(_form_rate_limit, exempt_when=_has_token)
@bp.arguments(IdempotencyHeaders, location="headers")
@bp.arguments(VisitRequestCreateSchema, example=VISIT_REQUEST_EXAMPLE)
@bp.response(201, VisitRequestCreatedSchema, headers={"Location": {"schema": {"type": "string"}}})
@bp.alt_response(
    200,
    schema=VisitRequestCreatedSchema,
    success=True,
    description="The same Idempotency-Key was sent before, or the same school, contact email and periods "
    "within two hours with another key: the request already made (without its follow-up token, "
    "which was given the first time; no second email).",
)
@bp.alt_response(429, response="TOO_MANY_REQUESTS")
def create_visit_request(headers, body):
    """Ask for a visit

    What the public request form does, with the same checks: the school is found (or
    registered) by its UAI, the dates are checked against its school holidays, the contact gets
    an email with the follow-up link. No account needed (rate-limited per address; a valid
    token lifts that limit for partners).
    """
    g.field_aliases = FIELD_ALIASES
    submission = units.run(visit_requests.submit, _request_data(body), idempotency_key=headers["idempotency_key"])
    result = _created_json(submission)
    status = 201 if submission.created else 200
    location = (
        {"Location": external_url("api.followup_visit_request", token=submission.followup_token)}
        if submission.followup_token
        else {}
    )
    return result, status, {**PRIVATE, **location}


@bp.route("/visit-requests/<string(maxlength=100):token>", tags=TAG)
@etag
@bp.response(200, VisitRequestFollowupSchema)
@bp.alt_response(404, response="NOT_FOUND")
def followup_visit_request(token: str):
    """Follow a request

    The request, the meeting planned for it and who is coming (first name and job), as on the
    follow-up page. `token` is the secret given when the request was made.
    """
    visit = visit_requests.find_by_followup_token(token)
    if visit is None:
        raise NotFound("No request has this follow-up token.")
    event = visit_requests.current_event(visit)
    body = {
        **_request_json(visit),
        "status_reason": visit.status_reason,
        "updated_at": visit.updated_at,
        "event": event,
        "role_models": [
            {"first_name": f, "job_title": j} for f, j in visit_requests.visible_role_models(event)
        ]
        if event
        else [],
        "can_withdraw": visit_requests.can_withdraw(visit),
        "can_cancel": visit_requests.can_cancel_visit(visit, event),
    }
    return body, PRIVATE


def _request_json(visit: VisitRequest) -> dict:
    return {
        "id": visit.id,
        "status": visit.status,
        "school": visit.school,
        "format": visit.format,
        "delivery": visit.delivery,
        "class_levels": visit.class_levels,
        "headcount": visit.headcount,
        "girls_count": visit.girls_count,
        "topics": visit.topics,
        "windows": visit.windows,
        "submitted_at": visit.submitted_at,
    }


def _created_json(submission: visit_requests.Submission) -> dict:
    token = submission.followup_token
    return {
        **_request_json(submission.request),
        "followup_token": token,
        "followup_url": external_url("public.request_followup", token=token) if token else None,
        "feed_url": emails.school_feed_url(visit_requests.school_feed_token(token))
        if token
        else None,
        "warnings": [
            {"window": i, "messages": [str(m) for m in ms]} for i, ms in sorted(submission.warnings.items())
        ],
    }
