"""Where each département is, roughly: its préfecture, for distance classes in matching.

Distances are great-circle between préfectures, a proxy good enough to say "same
département", "nearby", "same région" or "far"; nobody's address is ever needed.
"""

from __future__ import annotations

import math

from app.reference.academies import ACADEMIE_BY_DEPARTEMENT

# Préfecture (latitude, longitude), in degrees.
PREFECTURES: dict[str, tuple[float, float]] = {
    "01": (46.205, 5.225), "02": (49.564, 3.620), "03": (46.566, 3.333), "04": (44.092, 6.236),
    "05": (44.559, 6.079), "06": (43.710, 7.262), "07": (44.735, 4.599), "08": (49.762, 4.726),
    "09": (42.965, 1.607), "10": (48.297, 4.074), "11": (43.213, 2.353), "12": (44.350, 2.575),
    "13": (43.296, 5.370), "14": (49.183, -0.370), "15": (44.926, 2.440), "16": (45.649, 0.156),
    "17": (46.160, -1.151), "18": (47.081, 2.399), "19": (45.267, 1.770), "2A": (41.919, 8.738),
    "2B": (42.697, 9.451), "21": (47.322, 5.041), "22": (48.514, -2.765), "23": (46.171, 1.872),
    "24": (45.184, 0.721), "25": (47.238, 6.024), "26": (44.933, 4.892), "27": (49.024, 1.151),
    "28": (48.446, 1.489), "29": (47.996, -4.102), "30": (43.837, 4.360), "31": (43.605, 1.444),
    "32": (43.646, 0.586), "33": (44.838, -0.579), "34": (43.611, 3.877), "35": (48.117, -1.678),
    "36": (46.811, 1.691), "37": (47.394, 0.685), "38": (45.188, 5.725), "39": (46.675, 5.555),
    "40": (43.890, -0.500), "41": (47.586, 1.335), "42": (45.440, 4.387), "43": (45.043, 3.885),
    "44": (47.218, -1.554), "45": (47.903, 1.909), "46": (44.448, 1.441), "47": (44.203, 0.616),
    "48": (44.518, 3.500), "49": (47.478, -0.563), "50": (49.116, -1.091), "51": (48.957, 4.365),
    "52": (48.111, 5.139), "53": (48.073, -0.770), "54": (48.692, 6.184), "55": (48.773, 5.160),
    "56": (47.658, -2.760), "57": (49.120, 6.176), "58": (46.990, 3.159), "59": (50.629, 3.057),
    "60": (49.430, 2.083), "61": (48.432, 0.091), "62": (50.291, 2.777), "63": (45.778, 3.087),
    "64": (43.295, -0.371), "65": (43.233, 0.078), "66": (42.699, 2.895), "67": (48.573, 7.752),
    "68": (48.079, 7.358), "69": (45.764, 4.836), "70": (47.620, 6.155), "71": (46.307, 4.828),
    "72": (48.006, 0.199), "73": (45.564, 5.918), "74": (45.899, 6.129), "75": (48.857, 2.352),
    "76": (49.443, 1.099), "77": (48.540, 2.660), "78": (48.805, 2.130), "79": (46.323, -0.459),
    "80": (49.894, 2.296), "81": (43.929, 2.148), "82": (44.018, 1.355), "83": (43.124, 5.928),
    "84": (43.949, 4.806), "85": (46.670, -1.426), "86": (46.580, 0.340), "87": (45.834, 1.262),
    "88": (48.172, 6.450), "89": (47.798, 3.567), "90": (47.640, 6.863), "91": (48.629, 2.441),
    "92": (48.892, 2.207), "93": (48.908, 2.440), "94": (48.790, 2.455), "95": (49.036, 2.076),
    "971": (15.998, -61.726), "972": (14.616, -61.059), "973": (4.938, -52.335),
    "974": (-20.882, 55.451), "976": (-12.781, 45.228),
}

# Préfectures closer than this count as "nearby" (typically a neighbouring département).
NEARBY_KM = 100.0


def distance_km(a: str, b: str) -> float:
    """Great-circle distance between two départements' préfectures; KeyError if unknown."""
    (lat1, lon1), (lat2, lon2) = PREFECTURES[a], PREFECTURES[b]
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def region_of(departement: str) -> str | None:
    academie = ACADEMIE_BY_DEPARTEMENT.get(departement)
    return academie.region if academie else None


def distance_class(a: str | None, b: str | None) -> int:
    """0 same département, 1 nearby, 2 same région, 3 further (or unknown)."""
    if a is None or b is None or a not in PREFECTURES or b not in PREFECTURES:
        return 3
    if a == b:
        return 0
    if distance_km(a, b) <= NEARBY_KM:
        return 1
    return 2 if region_of(a) == region_of(b) else 3
