"""Role models: applying or being invited, approval, profile, availability, pause. Their
personal data (export, deletion by anonymisation) is `personal_data`.

Every function takes the acting user; the role model themself or an organizer of one of the
académies they cover may change a profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.links import external_url
from app.models import (
    ENGAGED_STATUSES,
    Assignment,
    AvailabilityException,
    AvailabilityWindow,
    Event,
    EventType,
    JobFamily,
    OrganizerScope,
    RoleModel,
    RoleModelDepartement,
    RoleModelStatus,
    User,
    UserRole,
    limits,
)
from app.models.types import utcnow
from app.reference.academies import ACADEMIE_BY_DEPARTEMENT, academie_name
from app.services.accounts import magic_links, users
from app.services.common import access, audit, scope, text
from app.services.common.errors import Conflict, FieldKey, Invalid, NotAllowed
from app.services.mail.outbox import queue_email

MAX_WINDOWS = 21
MAX_EXCEPTIONS = 50
LANGUAGES = ("fr", "en", "es", "de", "it", "ar", "pt", "lsf")


@dataclass
class ProfileData:
    first_name: str
    last_name: str
    job_title: str
    job_family: str
    company: str
    departements: list[str] = field(default_factory=list)
    home_departement: str | None = None
    phone: str | None = None
    sectors: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=lambda: ["fr"])
    event_types: list[str] = field(default_factory=lambda: [t.value for t in EventType])
    accepts_in_person: bool = True
    accepts_remote: bool = False
    monthly_cap: int = 2
    presentation: str = ""


def validate_profile(data: ProfileData) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, label in (("first_name", _l("Indiquez votre prénom.")), ("last_name", _l("Indiquez votre nom.")),
                        ("job_title", _l("Indiquez votre métier.")), ("company", _l("Indiquez votre entreprise."))):
        if not (getattr(data, name) or "").strip():
            errors[name] = label
    if data.job_family not in {f.value for f in JobFamily}:
        errors["job_family"] = _l("Choisissez une famille de métiers.")
    unknown = [d for d in data.departements if d not in ACADEMIE_BY_DEPARTEMENT]
    if unknown:
        errors["departements"] = _l("Départements inconnus : %(codes)s.", codes=", ".join(unknown))
    elif not data.departements and not data.accepts_remote:
        errors["departements"] = _l("Choisissez au moins un département, ou acceptez les interventions à distance.")
    if data.home_departement and data.home_departement not in ACADEMIE_BY_DEPARTEMENT:
        errors["home_departement"] = _l("Département inconnu.")
    if not data.accepts_in_person and not data.accepts_remote:
        errors["accepts_in_person"] = _l("Acceptez au moins un format : en présentiel ou à distance.")
    if any(t not in {e.value for e in EventType} for t in data.event_types):
        errors["event_types"] = _l("Format inconnu.")
    elif not data.event_types:
        errors["event_types"] = _l("Choisissez au moins un type de rencontre.")
    if any(code not in LANGUAGES for code in data.languages):
        errors["languages"] = _l("Langue inconnue.")
    if not isinstance(data.monthly_cap, int) or not 0 <= data.monthly_cap <= limits.MONTHLY_CAP_MAX:
        errors["monthly_cap"] = _l("Entre 0 et 60 rencontres par mois.")
    if len(data.presentation or "") > limits.PRESENTATION_MAX:
        errors["presentation"] = _l("2 000 caractères au plus.")
    if data.phone and len(data.phone) > limits.PHONE_MAX:
        errors["phone"] = _l("Numéro trop long.")
    one_line = [data.first_name, data.last_name, data.job_title, data.company, data.phone, data.home_departement]
    errors.update(text.problems({
        **dict(zip(("first_name", "last_name", "job_title", "company", "phone", "home_departement"),
                   ((value, text.SINGLE_LINE) for value in one_line), strict=True)),
        "sectors": (" ".join(data.sectors), text.SINGLE_LINE),
        "presentation": (data.presentation, text.FREE_TEXT),
    }))
    return errors


def _apply_profile(rm: RoleModel, data: ProfileData) -> None:
    rm.first_name, rm.last_name = data.first_name.strip(), data.last_name.strip()
    rm.job_title, rm.company = data.job_title.strip(), data.company.strip()
    rm.job_family = JobFamily(data.job_family)
    rm.phone = (data.phone or "").strip() or None
    rm.sectors = sorted({s.strip() for s in data.sectors if s.strip()})
    rm.languages = list(dict.fromkeys(data.languages)) or ["fr"]
    rm.event_types = [t.value for t in EventType if t.value in data.event_types]
    rm.accepts_in_person, rm.accepts_remote = data.accepts_in_person, data.accepts_remote
    rm.home_departement = data.home_departement or None
    rm.monthly_cap = data.monthly_cap
    rm.presentation = (data.presentation or "").strip()
    wanted = sorted(set(data.departements))
    if wanted != sorted(rm.departement_codes):
        rm.departements = [RoleModelDepartement(departement=d) for d in wanted]


def require_can_edit(actor: User | None, rm: RoleModel) -> None:
    if actor is None or rm.anonymised_at is not None:
        raise NotAllowed()
    if rm.user_id is not None and actor.id == rm.user_id:
        return
    access.require_role_model_organizer(actor, rm)


def _checked_email(email: str) -> str:
    email = users.normalize_email(email)
    if not email or "@" not in email or len(email) > limits.EMAIL_MAX:
        raise Invalid(fields={"email": _l("Adresse e-mail invalide.")})
    return email


def _new_account(email: str, data: ProfileData, *, actor: User | None, locale: str) -> User:
    email = _checked_email(email)
    if users.find_user_by_email(email) is not None:
        raise Invalid(fields={"email": _l(
            "Un compte existe déjà avec cette adresse : "
            "demandez un lien de connexion depuis l'espace marraines et parrains.")})
    return users.create_user(email=email, full_name=f"{data.first_name.strip()} {data.last_name.strip()}",
                                role=UserRole.ROLE_MODEL, actor=actor, locale=locale)


def apply(email: str, data: ProfileData, *, locale: str = "fr") -> RoleModel | None:
    """A person applies through the public form; an organizer approves them later.

    An address that already has an account (a role model's, an organizer's, an admin's) gets an
    email saying so, with a way to sign in, and nothing else happens (None): the form answers
    exactly as for a new address, so it does not tell anyone who has an account."""
    errors = validate_profile(data)
    if errors:
        raise Invalid(fields=errors)
    existing = users.find_user_by_email(_checked_email(email))
    if existing is not None:
        _tell_account_exists(existing)
        return None
    user = _new_account(email, data, actor=None, locale=locale)
    rm = RoleModel(user=user, status=RoleModelStatus.PENDING, first_name="", last_name="", job_title="",
                   job_family=JobFamily(data.job_family), company="")
    _apply_profile(rm, data)
    db.session.add(rm)
    db.session.flush()
    audit.record("public", rm, "role_model.applied")
    queue_email(to=user.email, to_name=user.full_name, template="role_model_application", locale=locale,
                context={"role_model": rm}, dedupe_key=f"role_model:{rm.id}:applied")
    _tell_organizers_of_application(rm)
    return rm


def _organizers_of(academies: set[str]) -> list[User]:
    """Enabled organizers of any of these académies; the admins when nobody covers them (an
    applicant who only works remotely, or an académie without organizer yet)."""
    found = list(db.session.scalars(
        select(User).join(OrganizerScope, OrganizerScope.user_id == User.id)
        .where(OrganizerScope.academie.in_(sorted(academies)), User.role == UserRole.ORGANIZER,
               User.is_enabled.is_(True))
        .order_by(User.id).distinct()
    )) if academies else []
    return found or list(db.session.scalars(
        select(User).where(User.role == UserRole.ADMIN, User.is_enabled.is_(True)).order_by(User.id)))


def _tell_organizers_of_application(rm: RoleModel) -> None:
    """Each organizer who sees the applicant (app/services/common/scope.py) gets one email."""
    academies = {ACADEMIE_BY_DEPARTEMENT[d].code for d in rm.departement_codes if d in ACADEMIE_BY_DEPARTEMENT}
    url = external_url("organizer.role_model_applications")
    names = ", ".join(sorted(academie_name(a) for a in academies))
    for organizer in _organizers_of(academies):
        queue_email(to=organizer.email, to_name=organizer.full_name, template="role_model_application_new",
                    locale=organizer.locale or "fr", role_model=rm,
                    context={"applicant": rm, "academies": names, "applications_url": url},
                    dedupe_key=f"role_model:{rm.id}:applied:{organizer.id}")


def pending_applications(actor: User) -> list[RoleModel]:
    access.require_organizer(actor)
    query = (select(RoleModel)
             .where(RoleModel.status == RoleModelStatus.PENDING, RoleModel.anonymised_at.is_(None))
             .options(selectinload(RoleModel.departements))
             .order_by(RoleModel.created_at, RoleModel.id))
    return list(db.session.scalars(scope.restrict_role_models(query, actor)))


def decline(actor: User, rm: RoleModel, reason: str) -> RoleModel:
    """Turn an application down; the person gets the reason by email. The account stays, so
    that she can still sign in to read what she sent, export or delete it."""
    access.require_organizer(actor)
    require_can_edit(actor, rm)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(fields={"reason": _l("Indiquez la raison : elle est envoyée à la personne.")})
    if len(reason) > limits.REASON_MAX:
        raise Invalid(fields={"reason": _l("2 000 caractères au plus.")})
    errors = text.problems({"reason": (reason, text.FREE_TEXT)})
    if errors:
        raise Invalid(fields=errors)
    if rm.status != RoleModelStatus.PENDING:
        raise Conflict(_l("Cette candidature a déjà été traitée."), code="already_decided")
    rm.status = RoleModelStatus.DECLINED
    audit.record(actor, rm, "role_model.declined", reason=reason)
    user = rm.user
    if user is not None:
        queue_email(to=user.email, to_name=user.full_name, template="role_model_declined", locale=user.locale,
                    context={"role_model": rm, "reason": reason},
                    dedupe_key=f"role_model:{rm.id}:declined")
    return rm


def approve(actor: User, rm: RoleModel) -> RoleModel:
    access.require_organizer(actor)
    require_can_edit(actor, rm)
    if rm.status != RoleModelStatus.PENDING:
        raise Conflict(_l("Cette candidature a déjà été traitée."), code="already_approved")
    rm.status = RoleModelStatus.ACTIVE
    audit.record(actor, rm, "role_model.approved")
    _send_welcome(rm, template="role_model_welcome")
    return rm


@dataclass
class InviteData:
    email: str
    first_name: str
    last_name: str
    job_title: str
    job_family: str
    company: str
    departements: list[str]
    locale: str = "fr"


def invite(actor: User, data: InviteData) -> RoleModel:
    """An organizer brings someone in: the account is active at once, the email carries a
    sign-in link so they can complete their profile and availability."""
    if not actor.is_organizer:
        raise NotAllowed()
    profile = ProfileData(first_name=data.first_name, last_name=data.last_name, job_title=data.job_title,
                          job_family=data.job_family, company=data.company, departements=data.departements)
    errors = validate_profile(profile)
    outside = {ACADEMIE_BY_DEPARTEMENT[d].code for d in data.departements if d in ACADEMIE_BY_DEPARTEMENT}
    if not errors.get("departements") and not any(scope.can_act_on(actor, a) for a in outside):
        errors["departements"] = _l("Au moins un département doit faire partie de votre périmètre.")
    if errors:
        raise Invalid(fields=errors)
    user = _new_account(data.email, profile, actor=actor, locale=data.locale)
    rm = RoleModel(user=user, status=RoleModelStatus.ACTIVE, first_name="", last_name="", job_title="",
                   job_family=JobFamily(data.job_family), company="")
    _apply_profile(rm, profile)
    db.session.add(rm)
    db.session.flush()
    audit.record(actor, rm, "role_model.invited")
    _send_welcome(rm, template="role_model_invited", inviter=actor)
    return rm


def _send_welcome(rm: RoleModel, *, template: str, inviter: User | None = None) -> None:
    user = rm.user
    token = magic_links.make_token(user, max_age=magic_links.WELCOME_MAX_AGE)
    queue_email(to=user.email, to_name=user.full_name, template=template, locale=user.locale,
                context={"role_model": rm, "inviter": inviter,
                         "sign_in_url": external_url("portal.magic_link", token=token)},
                dedupe_key=f"role_model:{rm.id}:{template}")


def _tell_account_exists(user: User) -> None:
    if not user.is_enabled:
        return
    key = magic_links.sign_in_email_key(user)
    if key is None:
        return
    if user.role == UserRole.ROLE_MODEL:
        url = external_url("portal.magic_link", token=magic_links.make_token(user))
    else:
        url = external_url("auth.login")
    queue_email(to=user.email, to_name=user.full_name, template="account_exists", locale=user.locale,
                context={"sign_in_url": url, "is_link": user.role == UserRole.ROLE_MODEL,
                         "minutes": int(magic_links.SIGN_IN_MAX_AGE.total_seconds() // 60)},
                dedupe_key=key)


def send_sign_in_link(email: str) -> bool:
    """Email a sign-in link if the address belongs to a role model and has not had its share of
    them this hour; say nothing otherwise (the page answers the same either way, so it does not
    reveal who has an account)."""
    user = users.find_user_by_email(email)
    if user is None or user.role != UserRole.ROLE_MODEL or not user.is_enabled:
        return False
    key = magic_links.sign_in_email_key(user)
    if key is None:
        return False
    token = magic_links.make_token(user)
    queue_email(to=user.email, to_name=user.full_name, template="magic_link", locale=user.locale,
                context={"sign_in_url": external_url("portal.magic_link", token=token),
                         "minutes": int(magic_links.SIGN_IN_MAX_AGE.total_seconds() // 60)},
                dedupe_key=key)
    return True


def role_model_of(user: User) -> RoleModel | None:
    return db.session.scalar(select(RoleModel).where(RoleModel.user_id == user.id))


def update_profile(actor: User, rm: RoleModel, data: ProfileData) -> RoleModel:
    require_can_edit(actor, rm)
    errors = validate_profile(data)
    if errors:
        raise Invalid(fields=errors)
    _apply_profile(rm, data)
    if rm.user is not None:
        rm.user.full_name = rm.display_name
    audit.record(actor, rm, "role_model.profile_updated")
    return rm


def set_windows(actor: User, rm: RoleModel, windows: list[tuple[int, time, time]]) -> RoleModel:
    """Replace the weekly windows (Europe/Paris wall time). Overlapping windows of one day
    are merged, so the week view never shows the same hour twice."""
    require_can_edit(actor, rm)
    errors: dict[FieldKey, str] = {}
    for index, (weekday, start, end) in enumerate(windows):
        if not 0 <= weekday <= 6:
            errors["windows", index, "weekday"] = _l("Jour inconnu.")
        elif end <= start:
            errors["windows", index, "end_time"] = _l("La fin doit être après le début.")
    if len(windows) > MAX_WINDOWS:
        errors["windows"] = _l("%(n)s créneaux au plus.", n=MAX_WINDOWS)
    if errors:
        raise Invalid(fields=errors)
    merged: list[tuple[int, time, time]] = []
    for weekday, start, end in sorted(windows):
        if merged and merged[-1][0] == weekday and start <= merged[-1][2]:
            merged[-1] = (weekday, merged[-1][1], max(end, merged[-1][2]))
        else:
            merged.append((weekday, start, end))
    rm.windows = [AvailabilityWindow(weekday=d, start_time=s, end_time=e) for d, s, e in merged]
    audit.record(actor, rm, "role_model.windows_updated",
                 windows=[f"{d}:{s:%H:%M}-{e:%H:%M}" for d, s, e in merged])
    return rm


def add_exception(
    actor: User, rm: RoleModel, start: date | None, end: date | None, reason: str = ""
) -> AvailabilityException:
    require_can_edit(actor, rm)
    errors = {}
    if start is None:
        errors["start_date"] = _l("Indiquez le premier jour.")
    if end is None:
        errors["end_date"] = _l("Indiquez le dernier jour.")
    elif start is not None and end < start:
        errors["end_date"] = _l("Le dernier jour ne peut pas précéder le premier.")
    if len(reason or "") > limits.DAY_OFF_REASON_MAX:
        errors["reason"] = _l("200 caractères au plus.")
    errors.update(text.problems({"reason": (reason, text.SINGLE_LINE)}))
    if len(rm.exceptions) >= MAX_EXCEPTIONS:
        errors["start_date"] = _l("Trop d'indisponibilités enregistrées : supprimez les anciennes.")
    if errors:
        raise Invalid(fields=errors)
    exception = AvailabilityException(start_date=start, end_date=end, reason=(reason or "").strip())
    rm.exceptions.append(exception)
    db.session.flush()
    audit.record(actor, rm, "role_model.exception_added", start=start, end=end)
    return exception


def remove_exception(actor: User, rm: RoleModel, exception_id: int) -> None:
    require_can_edit(actor, rm)
    exception = next((e for e in rm.exceptions if e.id == exception_id), None)
    if exception is None:
        return  # already gone: a double click changes nothing
    rm.exceptions.remove(exception)
    audit.record(actor, rm, "role_model.exception_removed", start=exception.start_date, end=exception.end_date)


def pause(actor: User, rm: RoleModel) -> RoleModel:
    require_can_edit(actor, rm)
    if rm.status != RoleModelStatus.ACTIVE:
        raise Conflict(_l("Seul un profil actif peut être mis en pause."), code="not_active")
    rm.status = RoleModelStatus.PAUSED
    audit.record(actor, rm, "role_model.paused")
    return rm


def resume(actor: User, rm: RoleModel) -> RoleModel:
    require_can_edit(actor, rm)
    if rm.status != RoleModelStatus.PAUSED:
        raise Conflict(_l("Ce profil n'est pas en pause."), code="not_paused")
    rm.status = RoleModelStatus.ACTIVE
    audit.record(actor, rm, "role_model.resumed")
    return rm


def needs_windows(rm: RoleModel) -> bool:
    """Whether her home must ask for her weekly availability: matching proposes nobody for a
    time outside their windows, so without one she is never proposed (a paused profile is not
    proposed anyway, and is not nagged)."""
    return rm.status in (RoleModelStatus.PENDING, RoleModelStatus.ACTIVE) and not rm.windows


def engagements_ahead(rm: RoleModel, *, now=None):
    """Invitations awaiting an answer and engagements to come, soonest first."""
    return list(db.session.scalars(
        select(Assignment).join(Assignment.event)
        .where(Assignment.role_model_id == rm.id, Assignment.status.in_(ENGAGED_STATUSES),
               Event.end_at >= (now or utcnow()))
        .order_by(Event.start_at)
    ))
