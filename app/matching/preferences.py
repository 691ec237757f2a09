"""Soft preferences read from the database side: what the school asked, where people live, the
organizers' weights. Turned into the solver's per-arc features by candidate building.

- topic: 1 when one of the role model's sectors is among the topics asked (event's and its
  request's), 0 when none is, 0.5 when nothing was asked;
- same région and distance class, from the role model's home département (see
  app/reference/departements.py); online events count as near for everyone;
- language: a topic naming a language ("anglais", "lang:en") asks for it;
- recent load and reliability come from engagements and late cancellations.
"""

from __future__ import annotations

import logging

import numpy as np

from app.extensions import db
from app.matching.problem import FAMILIES, InvalidProblem, Weights
from app.models import Setting
from app.reference.academies import DEPARTEMENTS
from app.reference.departements import distance_class, region_of

log = logging.getLogger(__name__)

WEIGHTS_KEY = "matching.weights"

# Topics that ask for a language, by ISO 639 code (plus any "lang:<code>" topic).
LANGUAGE_TOPICS = {
    "anglais": "en", "english": "en", "espagnol": "es", "allemand": "de", "italien": "it",
    "portugais": "pt", "arabe": "ar", "créole": "rcf", "langue des signes": "lsf", "lsf": "lsf",
}

# Place indices: every known département, then "unknown", then "online".
PLACES = (*DEPARTEMENTS, "?", "online")
PLACE_INDEX = {code: i for i, code in enumerate(PLACES)}
UNKNOWN_PLACE, ONLINE_PLACE = PLACE_INDEX["?"], PLACE_INDEX["online"]
# Minutes needed between two same-day events, by distance class (online: a short break).
TRAVEL_MINUTES = (30, 60, 90, 120)
ONLINE_GAP = 15


def load_weights() -> Weights:
    """The organizers' weights (Setting "matching.weights", partial overrides), else defaults."""
    row = db.session.get(Setting, WEIGHTS_KEY)
    values = row.value if row is not None and isinstance(row.value, dict) else {}
    known = {k: v for k, v in values.items() if k in Weights.__dataclass_fields__}
    try:
        return Weights(**known)
    except (InvalidProblem, TypeError, ValueError):
        log.warning("ignoring invalid matching weights %r", values)
        return Weights()


def place_index(departement: str | None, *, online: bool = False) -> int:
    if online:
        return ONLINE_PLACE
    return PLACE_INDEX.get((departement or "").upper(), UNKNOWN_PLACE)


def _geography() -> tuple[np.ndarray, np.ndarray]:
    n = len(PLACES)
    classes = np.full((n, n), 3, np.int64)
    same_region = np.zeros((n, n), bool)
    for i, a in enumerate(DEPARTEMENTS):
        for j, b in enumerate(DEPARTEMENTS):
            classes[i, j] = distance_class(a, b)
            same_region[i, j] = region_of(a) == region_of(b)
    classes[ONLINE_PLACE, :] = classes[:, ONLINE_PLACE] = 0
    same_region[ONLINE_PLACE, :] = same_region[:, ONLINE_PLACE] = True
    return classes, same_region


_GEOGRAPHY: tuple[np.ndarray, np.ndarray] | None = None


def geography() -> tuple[np.ndarray, np.ndarray]:
    """(distance class, same région) between places, both (P, P), computed once."""
    global _GEOGRAPHY
    if _GEOGRAPHY is None:
        _GEOGRAPHY = _geography()
        for array in _GEOGRAPHY:
            array.setflags(write=False)
    return _GEOGRAPHY


def travel_gap_matrix() -> np.ndarray:
    """Minutes needed between two same-day events, (P, P), by their places (read-only)."""
    global _GAPS
    if _GAPS is None:
        classes, _ = geography()
        gap = np.asarray(TRAVEL_MINUTES, np.int64)[classes]
        gap[ONLINE_PLACE, :] = gap[:, ONLINE_PLACE] = ONLINE_GAP
        gap.setflags(write=False)
        _GAPS = gap
    return _GAPS


_GAPS: np.ndarray | None = None


def family_index(job_family: str | None) -> int:
    value = getattr(job_family, "value", job_family)
    return FAMILIES.index(value) if value in FAMILIES else FAMILIES.index("other")


def normalise(words) -> list[str]:
    """Lower-case, single-spaced, sorted, without duplicates (so "Automobile " == "automobile")."""
    key = tuple(words or ())
    found = _NORMALISED.get(key)
    if found is None:
        found = sorted({" ".join(str(w).split()).casefold() for w in key if str(w).strip()})
        if len(_NORMALISED) < 10_000:
            _NORMALISED[key] = found
    return found


_NORMALISED: dict[tuple, list[str]] = {}


def asked_language(topics: list[str]) -> str | None:
    for topic in topics:
        if topic.startswith("lang:"):
            return topic[5:].strip() or None
        if topic in LANGUAGE_TOPICS:
            return LANGUAGE_TOPICS[topic]
    return None


class Vocabulary:
    """Words to bits of a uint64 mask; beyond 64 words, bits are shared (rare false matches)."""

    def __init__(self, words):
        self.index = {w: i for i, w in enumerate(sorted(set(words)))}

    def mask(self, words) -> int:
        bits = 0
        for w in words:
            i = self.index.get(w)
            if i is not None:
                bits |= 1 << (i % 64)
        return bits

    def masks(self, lists) -> np.ndarray:
        return np.array([self.mask(words) for words in lists], dtype=np.uint64)


def topic_scores(asked: np.ndarray, offered: np.ndarray) -> np.ndarray:
    """Per arc: 0.5 when nothing asked, else 1 on any shared word, 0 otherwise."""
    shared = (asked & offered) != 0
    return np.where(asked == 0, 0.5, np.where(shared, 1.0, 0.0))


def reliability(late_cancellations: np.ndarray) -> np.ndarray:
    """1 for never cancelled late, 1/2 after one, 1/3 after two..."""
    return 1.0 / (1.0 + np.maximum(np.asarray(late_cancellations, np.float64), 0))
