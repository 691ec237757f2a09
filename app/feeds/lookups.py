"""Who a feed URL belongs to, and the data stamp: the reads of every poll.

Polling is the hot path: one prebuilt statement resolves the token, checks its owner and reads
the data stamp in the same snapshot (the stamp is never older than the data rendered after it,
see app/feeds/cache.py); on a cache hit nothing else is read. It runs as a hot read
(app/feeds/hot_reads.py): compiled once, executed on the driver. Where a stamp watch vouches for
the current stamp (PostgreSQL, app/feeds/stamp_watch.py), a token's row read under that stamp is
kept until it changes, and a poll reads nothing.
"""

from __future__ import annotations

from sqlalchemy import bindparam, or_, select

from app.feeds import cache, hot_reads, stamp_watch, tokens
from app.models import (
    DataVersion,
    FeedKind,
    FeedToken,
    RequestStatus,
    RoleModel,
    SchoolContact,
    User,
    UserRole,
    VisitRequest,
)


def _owner_statement(kind: FeedKind, *columns, joins=(), outer_joins=(), where=()):
    statement = select(*columns, DataVersion.value.label("stamp"), DataVersion.changed_at).select_from(FeedToken)
    for target, on in joins:
        statement = statement.join(target, on)
    for target, on in outer_joins:
        statement = statement.outerjoin(target, on)
    return statement.outerjoin(DataVersion, DataVersion.name == cache.STAMP_NAME).where(
        FeedToken.token_hash == bindparam("token_hash"), FeedToken.kind == kind, FeedToken.revoked_at.is_(None),
        *where,
    )


ROLE_MODEL_OWNER = _owner_statement(
    FeedKind.ROLE_MODEL, RoleModel.id.label("owner_id"), User.locale,
    joins=[(User, User.id == FeedToken.user_id), (RoleModel, RoleModel.user_id == User.id)],
    where=[RoleModel.anonymised_at.is_(None)],
)
# A school token given with a request (visit_requests.feed_token_id) serves that request's
# events only, unless an organizer confirmed its contact for the school: the rule is read from
# the data at each poll, so tokens issued before it existed follow it too. A request withdrawn
# or declined grants nothing by itself (its token is also revoked then, app/services/requests).
# Tokens no request links to are issued by organizers (app/feeds/tokens.py): the whole school.
SCHOOL_OWNER = _owner_statement(
    FeedKind.SCHOOL, FeedToken.school_id.label("owner_id"), VisitRequest.id.label("request_id"),
    SchoolContact.id.label("confirmed_contact_id"),
    outer_joins=[
        (VisitRequest, VisitRequest.feed_token_id == FeedToken.id),
        (SchoolContact, (SchoolContact.id == VisitRequest.contact_id) & (SchoolContact.school_id == FeedToken.school_id)
         & SchoolContact.confirmed_at.is_not(None)),
    ],
    where=[or_(VisitRequest.id.is_(None), SchoolContact.id.is_not(None),
               VisitRequest.status.not_in((RequestStatus.WITHDRAWN, RequestStatus.DECLINED)))],
)
ORGANIZER_OWNER = _owner_statement(
    FeedKind.ORGANIZER, User.id.label("owner_id"), User.locale,
    joins=[(User, User.id == FeedToken.user_id)],
    where=[User.is_enabled.is_(True), User.role.in_((UserRole.ADMIN, UserRole.ORGANIZER))],
)
STAMP = select(DataVersion.value.label("stamp"), DataVersion.changed_at).where(
    DataVersion.name == cache.STAMP_NAME
)


def owner(statement, token: str):
    """The row of a live token's owner with the data stamp, or None (unknown, revoked...).

    Where a stamp watch vouches for the current stamp (PostgreSQL, app/feeds/stamp_watch.py),
    a token's row read under that stamp is kept until it changes.
    """
    if not token or len(token) > 100:
        return None
    params = {"token_hash": tokens.hash_token(token)}
    key = (statement, params["token_hash"])
    watch, stamp = _watched()
    if stamp is not None and (kept := watch.owner(stamp, key)) is not None:
        return kept
    row = hot_reads.first(statement, params)
    if stamp is not None and row is not None and row.stamp == stamp.value:
        watch.keep(stamp, key, row)
    return row


def current_stamp() -> cache.Stamp | None:
    """The data stamp: from the stamp watch where it vouches for one, else read."""
    _, stamp = _watched()
    return stamp if stamp is not None else stamp_of(hot_reads.first(STAMP, {}))


def _watched() -> tuple[stamp_watch.StampWatch | None, cache.Stamp | None]:
    """This app's stamp watch and the stamp it vouches for now (None, None without one)."""
    watch = stamp_watch.for_app()
    return (watch, watch.current()) if watch is not None else (None, None)


def serves_whole_school(row) -> bool:
    """Whether a SCHOOL_OWNER row opens the whole school's calendar (else its request's only)."""
    return row.request_id is None or row.confirmed_contact_id is not None


def stamp_of(row) -> cache.Stamp | None:
    return cache.Stamp(row.stamp, row.changed_at) if row is not None and row.stamp else None

