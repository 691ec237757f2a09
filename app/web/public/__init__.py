"""Public pages: no account needed."""

from app.web.public import impact  # noqa: F401
from app.web.public import privacy, requests  # noqa: F401  (their routes join the blueprint)
from app.web.public.views import bp

__all__ = ["bp"]
