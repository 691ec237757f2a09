"""The domain model, one module per aggregate. Importing this package registers every table."""

from app.models.assignment import ENGAGED_STATUSES, Assignment, AssignmentStatus
from app.models.audit import AuditEntry
from app.models.event import (
    Event,
    EventFeedback,
    EventSchool,
    EventStatus,
    EventType,
    FeedbackRespondent,
)
from app.models.external_calendar import BusyInterval, ExternalCalendar
from app.models.feed_token import FeedKind, FeedToken
from app.models.inbound_reply import InboundReply
from app.models.outbox import EmailStatus, OutboxEmail
from app.models.programme import (
    PartKind,
    ProgrammePart,
    RotationCell,
    RotationGroup,
    RotationHost,
    RotationTable,
)
from app.models.role_model import (
    AvailabilityException,
    AvailabilityWindow,
    JobFamily,
    RoleModel,
    RoleModelDepartement,
    RoleModelStatus,
)
from app.models.school import ContactRole, EducationPriority, HolidayZone, School, SchoolContact, SchoolKind
from app.models.states import IllegalTransition
from app.models.system import DataVersion, SchedulerLease, Setting
from app.models.user import ApiToken, OrganizerScope, User, UserRole
from app.models.visit_request import Delivery, RequestStatus, RequestWindow, TimeOfDay, VisitRequest

__all__ = [
    "ENGAGED_STATUSES", "ApiToken", "Assignment", "AssignmentStatus", "AuditEntry",
    "AvailabilityException", "AvailabilityWindow", "BusyInterval", "ContactRole", "DataVersion", "Delivery",
    "EducationPriority", "EmailStatus", "Event", "EventFeedback", "EventSchool", "EventStatus",
    "EventType", "ExternalCalendar", "FeedKind", "FeedToken", "FeedbackRespondent", "HolidayZone",
    "IllegalTransition", "InboundReply", "JobFamily", "OrganizerScope", "OutboxEmail", "PartKind", "ProgrammePart",
    "RequestStatus",
    "RequestWindow", "RoleModel", "RotationCell", "RotationGroup", "RotationHost", "RotationTable",
    "RoleModelDepartement", "RoleModelStatus", "SchedulerLease",
    "School", "SchoolContact", "SchoolKind", "Setting", "TimeOfDay", "User", "UserRole",
    "VisitRequest",
]
