"""The planner's limits and the grid's conflicts in plain French: every code is put into words
here, once, for the page, the printed sheets and the API's `message`."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Codes of the rotation planner (app/matching/rotations/explain.py) and of the hand-move checks
# (grid.py). Parameters are named in the texts; rounds are numbered from 1 and groups and tables
# have their labels beside their ids (planning.py adds them).
_TEXTS = {
    "solver_limit": _l("Le calcul s'est arrêté avant de prouver que ce plan est le meilleur possible."),
    "too_few_families": _l("Il y a %(families)s métiers pour %(rounds)s tours : certains groupes "
                           "reverront un métier déjà rencontré ou resteront sans table."),
    "seats_short": _l("Au tour %(round)s, %(groups)s groupes pour %(seats)s places : "
                      "certains groupes restent sans table."),
    "families_out_of_reach": _l("Pendant sa présence, le groupe %(group_label)s ne peut rencontrer que "
                                "%(reachable)s métiers pour %(rounds)s tours."),
    "group_present_part": _l("Le groupe %(group_label)s n'est là qu'aux tours %(present)s."),
    "table_absent": _l("La table %(table_label)s n'est pas tenue aux tours %(rounds)s."),
    "below_target": _l("Le groupe %(group_label)s rencontre %(met)s métiers au lieu de %(target)s : "
                       "les tables qu'il lui faudrait sont prises ou ouvertes aux mêmes tours."),
    "tables_outnumber_groups": _l("Au tour %(round)s, %(seats)s places pour %(groups)s groupes : "
                                  "des tables restent vides."),
    # Conflicts of a grid edited by hand.
    "table_twice": _l("Le groupe %(group)s passe deux fois à la table %(table)s."),
    "table_full": _l("Au tour %(round)s, la table %(table)s reçoit plus de groupes qu'elle n'en accueille."),
    "group_absent_round": _l("Au tour %(round)s, le groupe %(group)s n'est pas là."),
    "table_closed_round": _l("Au tour %(round)s, la table %(table)s n'est pas tenue."),
}


def describe(item: dict) -> str:
    """One limit or conflict ({"code": ..., **params}) as a French sentence."""
    code = item.get("code", "")
    params = {k: _words(v) for k, v in item.items() if k != "code"}
    text = _TEXTS.get(code)
    if text is None:
        return str(_l("Limite du plan : %(code)s.", code=code))
    try:
        return str(text) % params if params else str(text).replace("%%", "%")
    except (KeyError, TypeError, ValueError):
        return str(_TEXTS[code]).split("%(")[0].rstrip(" :,") + "."


def _words(value) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    return str(value)
