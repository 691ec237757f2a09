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
ROLE_MODEL_STATUSES = {"pending": _l("En attente"), "active": _l("Actif·ve"), "paused": _l("En pause"),
                       "declined": _l("Candidature refusée")}
# The same statuses as the role model reads them about herself, on her home page: what each
# one means for her (being proposed or not), not the organizers' one-word column.
OWN_PROFILE_STATUSES = {
    "pending": _l("Candidature à l'étude — l'équipe IndustriElles revient vers vous très vite"),
    "active": _l("Profil actif — vous pouvez être proposé·e pour des rencontres"),
    "paused": _l("Profil en pause — vous ne recevez pas de nouvelles invitations"),
    "declined": _l("Candidature non retenue"),
}
CONTACT_ROLES = {
    "teacher": _l("Professeur·e"),
    "cpe": _l("CPE"),
    "psy_en": _l("Psychologue de l'Éducation nationale"),
    "head": _l("Direction de l'établissement"),
    "other": _l("Autre fonction"),
}
DELIVERIES = {"in_person": _l("Sur place"), "remote": _l("À distance"), "either": _l("Sur place ou à distance")}
TIMES_OF_DAY = {"morning": _l("Matin"), "afternoon": _l("Après-midi"), "full_day": _l("Journée entière"),
                "any": _l("Indifférent")}
SCHOOL_KINDS = {"college": _l("Collège"), "lycee": _l("Lycée général et technologique"),
                "lycee_pro": _l("Lycée professionnel"), "cfa": _l("CFA"), "other": _l("Autre")}
EDUCATION_PRIORITIES = {"none": _l("Non"), "rep": _l("REP"), "rep_plus": _l("REP+")}


# Sectors and themes a school can ask for. Stored as these French words (matching compares them
# with role models' sectors); only the labels are translated.
SECTORS = {
    "aéronautique": _l("aéronautique"),
    "automobile": _l("automobile"),
    "agroalimentaire": _l("agroalimentaire"),
    "chimie": _l("chimie"),
    "énergie": _l("énergie"),
    "métallurgie": _l("métallurgie"),
    "pharmacie": _l("pharmacie"),
    "plasturgie": _l("plasturgie"),
    "textile": _l("textile"),
    "électronique": _l("électronique"),
    "ferroviaire": _l("ferroviaire"),
    "naval": _l("naval"),
    "cosmétique": _l("cosmétique"),
    "numérique industriel": _l("numérique industriel"),
}
THEMES = {
    "métiers de la maintenance": _l("métiers de la maintenance"),
    "égalité filles-garçons": _l("égalité filles-garçons"),
    "apprentissage": _l("apprentissage"),
    "écologie industrielle": _l("écologie industrielle"),
    "robotique": _l("robotique"),
    "qualité": _l("qualité"),
    "parcours d'ingénieure": _l("parcours d'ingénieure"),
    "création d'entreprise": _l("création d'entreprise"),
}
TOPICS = {**SECTORS, **THEMES}


def label(mapping: dict, value) -> str:
    key = getattr(value, "value", value)
    return str(mapping.get(key, key))


def topic_list(values) -> str:
    """Topics for display, translated where they are the form's (others are free text)."""
    return ", ".join(label(TOPICS, value) for value in values or ())

# The organizer UI's audit trail, matching explanations and outbox.
AUDIT_ACTIONS = {
    "event.created": _l("Événement créé"),
    "event.scheduled": _l("Événement programmé"),
    "event.updated": _l("Événement modifié"),
    "event.confirmed": _l("Événement confirmé"),
    "event.short_of_role_models": _l("Il manque des intervenant·es"),
    "event.cancelled": _l("Événement annulé"),
    "event.completed": _l("Événement terminé"),
    "event.school_added": _l("Établissement ajouté"),
    "event.school_removed": _l("Établissement retiré"),
    "request.submitted": _l("Demande reçue"),
    "request.in_review": _l("Demande prise en charge"),
    "request.scheduled": _l("Créneau confirmé"),
    "request.declined": _l("Demande déclinée"),
    "request.withdrawn": _l("Demande retirée par l'établissement"),
    "request.back_to_review": _l("Demande remise à l'étude"),
    "request.completed": _l("Demande réalisée"),
    "request.contact_confirmed": _l("Contact confirmé pour l'établissement"),
    "assignment.proposed": _l("Proposé·e"),
    "assignment.invited": _l("Invité·e"),
    "assignment.accepted": _l("A accepté"),
    "assignment.declined": _l("A décliné"),
    "assignment.confirmed": _l("Participation confirmée"),
    "assignment.withdrawn": _l("S'est retiré·e"),
    "assignment.cancelled": _l("Participation retirée"),
    "assignment.expired": _l("Invitation expirée"),
    "assignment.backfilled": _l("Remplacement proposé par le matching"),
    "role_model.approved": _l("Candidature validée"),
    "role_model.declined": _l("Candidature refusée"),
    "role_model.paused": _l("Mise en pause"),
    "role_model.resumed": _l("Reprise"),
    "email.requeued": _l("Courriel renvoyé"),
}
EMAIL_STATUSES = {"pending": _l("En attente d'envoi"), "sending": _l("En cours d'envoi"), "sent": _l("Envoyé"),
                  "failed": _l("Échec")}
CALENDAR_REPLY_PARTSTATS = {"ACCEPTED": _l("Oui"), "DECLINED": _l("Non"), "TENTATIVE": _l("Peut-être"),
                            "NEEDS-ACTION": _l("Sans réponse"), "DELEGATED": _l("Déléguée")}
# What became of an answer mailed back by a calendar app (app/services/pairing/calendar_replies.py).
CALENDAR_REPLY_OUTCOMES = {
    "applied": _l("Réponse enregistrée"),
    "unchanged": _l("Déjà enregistrée : rien à changer"),
    "tentative": _l("« Peut-être » : transmis à l'organisatrice ou l'organisateur, sans changement"),
    "counter": _l("Nouvel horaire proposé : transmis, sans changement"),
    "refused": _l("Refusée par les règles : la personne a reçu l'explication"),
    "stale": _l("Périmée : l'invitation a changé depuis, ou une réponse plus récente a été reçue"),
    "forged": _l("Rejetée : l'adresse ou la personne ne correspond pas à l'invitation"),
    "unknown": _l("Rejetée : adressée à aucune invitation connue"),
    "unreadable": _l("Illisible : aucune réponse d'agenda exploitable"),
    "ignored": _l("Ignorée : réponse sans décision (ni oui, ni non, ni peut-être)"),
    "failed": _l("Erreur interne : mise de côté"),
}
# The time zones events may take (app/reference/academies.py), by the names people know; Paris first.
TIMEZONES = {
    "Europe/Paris": _l("Paris (métropole)"),
    "America/Guadeloupe": _l("Guadeloupe"),
    "America/Martinique": _l("Martinique"),
    "America/Cayenne": _l("Guyane"),
    "Indian/Reunion": _l("La Réunion"),
    "Indian/Mayotte": _l("Mayotte"),
}
# What an email is, by the template it was written from (OutboxEmail.kind).
EMAIL_KINDS = {
    "account_exists": _l("Compte déjà existant"),
    "assignment_answer": _l("Réponse d'un·e intervenant·e"),
    "assignment_cancelled": _l("Participation annulée"),
    "assignment_confirmed": _l("Participation confirmée"),
    "assignment_invitation": _l("Invitation à intervenir"),
    "backfill_proposed": _l("Remplacement proposé"),
    "event_cancelled": _l("Rencontre annulée"),
    "event_rescheduled": _l("Rencontre déplacée"),
    "event_scheduled": _l("Rencontre programmée"),
    "feedback_request": _l("Demande de retour"),
    "magic_link": _l("Lien de connexion"),
    "reminder": _l("Rappel"),
    "request_cancelled": _l("Demande annulée"),
    "request_declined": _l("Demande refusée"),
    "request_new": _l("Nouvelle demande"),
    "request_received": _l("Accusé de réception de demande"),
    "request_withdrawn": _l("Demande retirée"),
    "role_model_application": _l("Candidature bien reçue"),
    "role_model_application_new": _l("Nouvelle candidature"),
    "role_model_declined": _l("Candidature refusée"),
    "role_model_invited": _l("Invitation à rejoindre"),
    "role_model_welcome": _l("Candidature validée"),
}
# The calendar part an email carries (iTIP METHOD), in plain words.
ICS_METHODS = {"REQUEST": _l("Invitation d'agenda"), "CANCEL": _l("Annulation d'agenda"),
               "REPLY": _l("Réponse d'agenda"), "PUBLISH": _l("Agenda"), "COUNTER": _l("Contre-proposition d'agenda"),
               "REFRESH": _l("Demande d'agenda à jour"), "ADD": _l("Ajout à l'agenda"),
               "DECLINECOUNTER": _l("Contre-proposition refusée")}
MATCH_REASONS = {
    "topic": _l("Thèmes en phase avec la demande"),
    "region": _l("Même région"),
    "nearby": _l("À proximité"),
    "language": _l("Parle la langue demandée"),
    "light_load": _l("Peu sollicité·e récemment"),
    "reliable": _l("Fiable (pas d'annulation tardive)"),
    "family_mix": _l("Apporte un autre type de métier"),
}
# What an organizer should see before inviting (app/matching/explain.py).
MATCH_WARNINGS = {
    "topic_far": _l("Métier éloigné du thème demandé"),
    "language_missing": _l("Ne parle pas la langue demandée"),
}
MATCH_TERMS = {
    "topic": _l("Thèmes"), "region": _l("Région"), "distance": _l("Distance"), "language": _l("Langue"),
    "load": _l("Sollicitations récentes"), "reliability": _l("Fiabilité"), "family_mix": _l("Diversité des métiers"),
    "spread": _l("Répartition dans le mois"),
}
# Why matching leaves seats empty (app/matching/candidates.py, app/matching/explain.py).
MATCH_GAPS = {
    "no_coverage": _l("Personne ne couvre ce département"),
    "inactive": _l("En pause ou en attente de validation"),
    "format": _l("Ne fait pas ce type de rencontre (ou pas sur place, ou pas à distance)"),
    "outside_window": _l("Hors des disponibilités hebdomadaires"),
    "exception": _l("Absences déclarées ce jour-là"),
    "busy": _l("Déjà occupé·es dans leur agenda"),
    "engaged": _l("Déjà engagé·es sur une autre rencontre à ce moment-là"),
    "caps_reached": _l("Plafond mensuel atteint"),
    "conflicts": _l("Retenu·es sur une autre rencontre au même moment"),
    "too_few_candidates": _l("Trop peu de personnes disponibles"),
    "no_candidate": _l("Aucune personne disponible"),
    "solver_limit": _l("Calcul interrompu avant la fin"),
}
