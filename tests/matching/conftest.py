from hypothesis import HealthCheck, settings

# Exact references are slow-ish per example; keep the directory within about a minute on 2 cores.
settings.register_profile(
    "matching", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
