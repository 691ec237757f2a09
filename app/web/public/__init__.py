"""Public pages: no account needed."""

from app.web.public import (  # noqa: F401  (their routes join the blueprint)
    impact,  # noqa: F401
    privacy,
    requests,
)
from app.web.public.views import bp

__all__ = ["bp"]
