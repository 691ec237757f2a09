"""Schools, known by their UAI: finding them, and registering one the first time it asks.

The académie, holiday zone and département are never typed by anyone: they follow from the
UAI (its first digits name the département), so a school cannot land in the wrong zone.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import EducationPriority, HolidayZone, School, SchoolKind, VisitRequest, limits
from app.reference.academies import ACADEMIE_BY_DEPARTEMENT, Academie
from app.reference.uai import departement_of_uai, example_uai, has_uai_shape, is_valid_uai, normalize_uai
from app.services.common import text
from app.services.common.errors import Invalid

SEARCH_LIMIT = 10


@dataclass(frozen=True)
class Placement:
    """Where a UAI puts a school: its département, académie and holiday zone."""

    uai: str
    departement: str
    academie: Academie

    @property
    def zone(self) -> HolidayZone:
        return HolidayZone(self.academie.zone)

    @property
    def public_holiday_area(self) -> str:
        """The `calendars.public_holidays` area: Alsace-Moselle and outre-mer have their own."""
        if self.departement in ("57", "67", "68"):
            return "alsace-moselle"
        if self.departement.startswith("97"):
            return self.departement
        return "metropole"


def place_uai(value: str, *, field: str = "uai") -> Placement:
    """Check a UAI (format and check letter) and say where it belongs; Invalid otherwise."""
    uai = normalize_uai(value)
    if not uai:
        message = _l("Indiquez le numéro UAI de l'établissement.")
        raise Invalid(message, fields={field: message})
    if not has_uai_shape(uai):
        message = _l("Ce numéro UAI n'a pas la bonne forme : 7 chiffres suivis d'une lettre (par exemple "
                     "%(example)s).", example=example_uai())
        raise Invalid(message, fields={field: message})
    if not is_valid_uai(uai):
        # The usual slip: a digit mistyped, which the letter catches. Saying "7 digits and a
        # letter" here would describe exactly what was typed and leave the person stuck.
        message = _l("La lettre de contrôle ne correspond pas aux chiffres : vérifiez le numéro "
                     "(un numéro valide ressemble à %(example)s).", example=example_uai())
        raise Invalid(message, fields={field: message})
    departement = departement_of_uai(uai)
    academie = ACADEMIE_BY_DEPARTEMENT.get(departement)
    if academie is None:
        message = _l("Ce numéro UAI ne correspond à aucun département connu.")
        raise Invalid(message, fields={field: message})
    return Placement(uai=uai, departement=departement, academie=academie)


def find_by_uai(value: str) -> School | None:
    uai = normalize_uai(value)
    if not uai or len(uai) > limits.UAI_INPUT_MAX or text.problem(uai, text.SINGLE_LINE) is not None:
        return None
    return db.session.scalar(select(School).where(School.uai == uai))


@dataclass
class NewSchool:
    """What a member of staff tells us about a school we do not know yet."""

    name: str = ""
    commune: str = ""
    postal_code: str = ""
    kind: SchoolKind = SchoolKind.COLLEGE
    priority: EducationPriority = EducationPriority.NONE


def new_school_errors(details: NewSchool) -> dict[tuple[str, str], str]:
    """What is missing to register a school we do not know, keyed as the `school` of a request."""
    errors = {}
    if not details.name.strip():
        errors["school", "name"] = _l("Nous ne connaissons pas encore cet établissement : indiquez son nom.")
    if not details.commune.strip():
        errors["school", "commune"] = _l("Indiquez la commune de l'établissement.")
    postal = details.postal_code.strip()
    if postal and (len(postal) != limits.POSTAL_CODE_LENGTH or not postal.isdigit()):
        errors["school", "postal_code"] = _l("Un code postal a cinq chiffres.")
    return errors


def find_or_create(uai: str, details: NewSchool) -> tuple[School, bool]:
    """The school of this UAI, registered from `details` if unknown. Returns (school, created).

    A known school keeps its data: what a visitor types never overwrites it.
    """
    placement = place_uai(uai)
    school = find_by_uai(placement.uai)
    if school is not None:
        return school, False
    errors = new_school_errors(details)
    if errors:
        raise Invalid(_l("Certains champs sont à corriger."), fields=errors)
    postal = details.postal_code.strip()
    school = School(
        uai=placement.uai,
        name=" ".join(details.name.split())[:limits.SCHOOL_NAME_MAX],
        commune=" ".join(details.commune.split())[:limits.COMMUNE_MAX],
        postal_code=postal or None,
        kind=details.kind,
        priority=details.priority,
        departement=placement.departement,
        academie=placement.academie.code,
        zone=placement.zone,
    )
    # Two people registering the same school at once: the second one finds the first's row.
    try:
        with db.session.begin_nested():
            db.session.add(school)
            db.session.flush()
    except IntegrityError:
        existing = find_by_uai(placement.uai)
        if existing is None:
            raise
        return existing, False
    return school, True


def search(query: str, *, limit: int = SEARCH_LIMIT) -> list[School]:
    """Known schools whose name, commune, postal code or UAI match every word of `query`."""
    # A word with a control character matches no school, and PostgreSQL refuses NUL in a query.
    words = [w for w in (query or "").strip().split() if len(w) >= 2 and text.problem(w, text.SINGLE_LINE) is None][:5]
    if not words:
        return []
    statement = select(School)
    for word in words:
        pattern = f"%{_escape_like(word.lower())}%"
        statement = statement.where(
            or_(
                func.lower(School.name).like(pattern, escape="\\"),
                func.lower(School.commune).like(pattern, escape="\\"),
                School.postal_code.like(pattern, escape="\\"),
                func.lower(School.uai).like(pattern, escape="\\"),
            )
        )
    return list(db.session.scalars(statement.order_by(School.commune, School.name).limit(limit)))


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def last_known_address(school: School) -> str:
    """The street address given with the school's latest request that had one ("" if none):
    a school's address is public, and a colleague should not have to look it up again."""
    return db.session.scalar(
        select(VisitRequest.address)
        .where(VisitRequest.school_id == school.id, VisitRequest.address != "")
        .order_by(VisitRequest.submitted_at.desc(), VisitRequest.id.desc())
        .limit(1)
    ) or ""
