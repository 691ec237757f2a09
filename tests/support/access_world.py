"""A small world for security tests: one of everything in the Paris académie (an event with a
participation, a school's request and its follow-up link, an email, an API token…), the people
who try to reach it, and URLs for every route of the app built with those real ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from werkzeug.routing import Rule

from app.extensions import db
from app.feeds import tokens
from app.models import (
    AssignmentStatus,
    EventSchool,
    EventStatus,
    FeedbackRespondent,
    FeedKind,
    OutboxEmail,
    RoleModelStatus,
    UserRole,
)
from app.services.accounts import api_tokens, magic_links
from app.services.events import feedback
from app.services.pairing import answer_links
from tests.support import factories

START = datetime(2027, 3, 16, 9, 0, tzinfo=UTC)
# Valid bodies for the API operations that need one, so that scope, not validation, answers.
API_BODIES = {
    "api.cancel_assignment": {"reason": "Essai"},
    "api.cancel_event": {"reason": "Essai"},
    "api.reschedule_event": {"start_at": "2027-03-17T09:00:00+00:00", "end_at": "2027-03-17T11:00:00+00:00"},
    "api.update_event": {"title": "Nouveau titre"},
    "api.put_programme": {"parts": []},
    "api.move_group": {"group_id": 1, "round": 1, "table_id": None},
}


@dataclass
class World:
    ids: dict[str, object] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)  # bearer secrets by person
    people: dict[str, object] = field(default_factory=dict)
    event_title: str = ""
    links: dict[str, str] = field(default_factory=dict)  # secret link tokens by endpoint

    def url(self, rule: Rule) -> str:
        """The rule's path with this world's ids (or the first choice of an `any(...)`)."""
        values = {}
        for name in rule.arguments:
            converter = rule._converters.get(name)
            if type(converter).__name__ == "AnyConverter":
                values[name] = min(converter.items)
            else:
                values[name] = self.ids[name]
        return rule.build(values, append_unknown=False)[1]


def build() -> World:
    world = World()
    paris = factories.create_user(email="orga.paris@example.org", full_name="Orga Paris", academies=["paris"])
    lyon = factories.create_user(email="orga.lyon@example.org", full_name="Orga Lyon", academies=["lyon"])
    admin = factories.create_user(email="admin@example.org", full_name="Admin", role=UserRole.ADMIN, academies=[])
    role_model = factories.create_role_model()
    pending = factories.create_role_model(status=RoleModelStatus.PENDING)
    school = factories.create_school()
    request, followup = factories.create_request(school=school)
    event = factories.create_event(organizer=paris, title="Rencontre secrète de Paris", start_at=START,
                                   end_at=START + timedelta(hours=2), status=EventStatus.SCHEDULED,
                                   role_models_max=2)
    other_school = factories.create_school()
    event.schools.append(EventSchool(school=other_school, class_level="4e", headcount=20, girls_count=9))
    invited = factories.create_assignment(event=event, role_model=role_model, status=AssignmentStatus.INVITED,
                                          invited_at=START - timedelta(days=1))
    email = OutboxEmail(to_address="x@example.org", subject="Test", body_text="Test", event_id=event.id)
    db.session.add(email)
    db.session.flush()
    token_row, paris_secret = api_tokens.create(paris, name="paris")
    _lyon_row, lyon_secret = api_tokens.create(lyon, name="lyon")
    _admin_row, admin_secret = api_tokens.create(admin, name="admin")
    db.session.flush()
    world.people = {"paris": paris, "lyon": lyon, "admin": admin, "role_model": role_model.user,
                    "role_model_profile": role_model}
    world.secrets = {"paris": paris_secret, "lyon": lyon_secret, "admin": admin_secret, "school": followup}
    world.event_title = event.title
    world.ids = {
        "event_id": event.id, "request_id": request.id, "assignment_id": invited.id,
        "role_model_id": pending.id, "email_id": email.id, "token_id": token_row.id, "school_id": other_school.id,
        "calendar_id": 999999, "exception_id": 999999, "participation_id": invited.id, "academie": "paris",
        "index": 0,  # a programme part, table or group of the event, by position
        # Secret links: each route's own kind (the follow-up link for the school's pages).
        "token": followup,
    }
    world.links = {
        "feedback.form": feedback.sign(event.id, FeedbackRespondent.SCHOOL, school.id),
        "portal.answer": answer_links.answer_token(invited),
        "portal.magic_link": magic_links.make_token(role_model.user),
        "feeds.school_feed": tokens.issue(FeedKind.SCHOOL, school=school),
        "feeds.organizer_feed": tokens.issue(FeedKind.ORGANIZER, user=paris),
        "feeds.role_model_feed": tokens.issue(FeedKind.ROLE_MODEL, user=role_model.user),
    }
    return world


def url_for_endpoint(world: World, rule: Rule) -> str:
    if rule.endpoint in world.links:
        world.ids["token"] = world.links[rule.endpoint]
    try:
        return world.url(rule)
    finally:
        world.ids["token"] = world.secrets["school"]
