"""French labels (translatable) for the codes the domain stores."""

from flask_babel import lazy_gettext as _l

EVENT_TYPES = {
    "conference": _l("Conférence"),
    "discovery_half_day": _l("Demi-journée découverte des métiers"),
    "school_visit": _l("Intervention en établissement"),
    "roundtable": _l("Table ronde"),
}
EVENT_STATUSES = {
    "draft": _l("Brouillon"),
    "scheduled": _l("Programmé"),
    "confirmed": _l("Confirmé"),
    "completed": _l("Terminé"),
    "cancelled": _l("Annulé"),
}
REQUEST_STATUSES = {
    "submitted": _l("Reçue"),
    "in_review": _l("En cours d'étude"),
    "scheduled": _l("Programmée"),
    "completed": _l("Réalisée"),
    "declined": _l("Déclinée"),
    "withdrawn": _l("Retirée"),
}
ASSIGNMENT_STATUSES = {
    "proposed": _l("Proposé·e"),
    "invited": _l("Invité·e"),
    "accepted": _l("A accepté"),
    "confirmed": _l("Confirmé·e"),
    "declined": _l("A décliné"),
    "expired": _l("Sans réponse"),
    "withdrawn": _l("S'est retiré·e"),
    "cancelled": _l("Annulé·e"),
}
JOB_FAMILIES = {
    "operator": _l("Opératrice, opérateur"),
    "technician": _l("Technicienne, technicien"),
    "engineer": _l("Ingénieure, ingénieur"),
    "manager": _l("Cadre, manager"),
    "executive": _l("Dirigeante, dirigeant"),
    "apprentice": _l("Apprentie, apprenti"),
}
ROLE_MODEL_STATUSES = {"pending": _l("En attente"), "active": _l("Active / actif"), "paused": _l("En pause")}


def label(mapping: dict, value) -> str:
    key = getattr(value, "value", value)
    return str(mapping.get(key, key))
