"""The planner's limits and the grid's conflicts in plain French: every code is put into words
here, once, for the page, the printed sheets and the API's `message`."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Codes of the rotation planner (app/matching/rotations) and of the hand-move checks (grid.py).
# Parameters are named in the texts; rounds are numbered from 1 (planning.py converts them).
_TEXTS = {
    "too_few_families": _l("Il y a %(families)s métiers pour %(rounds)s tours : certains groupes "
                           "reverront un métier déjà rencontré ou resteront sans table."),
    "too_few_tables": _l("Trop peu de tables : %(tables)s pour %(groups)s groupes à la fois."),
    "not_enough_seats": _l("Pas assez de places à certains tours : des groupes restent sans table."),
    "table_absent": _l("Une table n'est pas tenue à tous les tours."),
    "tables_absent": _l("Des tables ne sont pas tenues à tous les tours."),
    "group_absent": _l("Un groupe n'est pas là à tous les tours."),
    "groups_absent": _l("Des groupes ne sont pas là à tous les tours."),
    "time_limit": _l("Le calcul s'est arrêté avant de prouver que ce plan est le meilleur."),
    "no_rounds": _l("Le bloc n'a aucun tour."),
    "no_tables": _l("Le bloc n'a aucune table."),
    "no_groups": _l("Le bloc n'a aucun groupe."),
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
