"""One JSON line per request on the `rencontres.requests` logger (stdout under gunicorn).

{"ts": …, "request_id": …, "method": "GET", "path": "/feeds/schools/***.ics", "endpoint": …,
 "status": 200, "duration_ms": 3.1, "user_id": 12, "ip": …}

- The request id comes from the load balancer's X-Request-ID when it sent a sane one (so one
  id follows a request across the proxy's logs and ours), otherwise a fresh one; it is sent
  back in the response's X-Request-ID, and shown on error pages for support.
- Paths never carry secrets: URL variables named `token` (feeds, follow-up, answer, sign-in
  and feedback links) are replaced by ***, and so are long random-looking segments of paths
  that matched no route. The query string is not logged.
- The user is read only if this request already loaded them (no database query for a log
  line, and none at all when the database is down).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, request
from flask_login import AnonymousUserMixin
from sqlalchemy import inspect

from app.private_apis import signed_in_user_cached
from app.security import SECRET_URL_ARGS

log = logging.getLogger("rencontres.requests")

HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{8,128}$")
_RANDOM_SEGMENT = re.compile(r"[A-Za-z0-9_-]{20,}")
MASK = "***"


def request_id() -> str:
    return g.get("request_id") or ""


def request_id_from(incoming: str) -> str:
    """The load balancer's request id when it is sane, else a fresh one."""
    return incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex


def masked_path() -> str:
    return mask_path(request.path, request.view_args if request.url_rule is not None else None)


def mask_path(path: str, view_args: dict | None) -> str:
    """`path` without its secrets; `view_args` None when it matched no route."""
    if view_args is None:
        return _RANDOM_SEGMENT.sub(MASK, path)
    for name, value in view_args.items():
        if name in SECRET_URL_ARGS and value:
            path = path.replace(str(value), MASK)
    return path


def _user_id() -> int | None:
    # Only what this request already loaded, read without touching the database (the row may
    # be expired after the commit) nor the session (reading it would add "Vary: Cookie").
    user = signed_in_user_cached()
    if user is not None and not isinstance(user, AnonymousUserMixin):
        identity = inspect(user).identity
        return identity[0] if identity else None
    token = g.get("api_token")
    return token.__dict__.get("user_id") if token is not None else None


def write(*, request_id: str, method: str, path: str, endpoint: str | None, status: int,
          started: float | None, user_id: int | None, ip: str | None) -> None:
    """Log the line of one request (`path` already masked); also called by the feeds' fast
    path (app/feeds/fast_path.py), which answers outside Flask's request handling."""
    try:
        log.info(json.dumps({
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "request_id": request_id,
            "method": method,
            "path": path,
            "endpoint": endpoint,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "user_id": user_id,
            "ip": ip,
        }, ensure_ascii=False))
    except Exception:  # a log line must never turn a response into a 500
        logging.getLogger(__name__).exception("request log line failed")


def start() -> None:
    """Before-request hook: the request's id and start time. create_app puts it before any hook
    that may refuse the request (the rate limit), so that every request has its id."""
    g.request_id = request_id_from(request.headers.get(HEADER, ""))
    g.request_started = time.perf_counter()


def init_app(app: Flask) -> None:
    # A logging configuration loaded in the same process (Alembic's fileConfig) disables the
    # loggers that exist by then; this one is the service's record of requests.
    log.disabled = False
    if app.config.get("REQUEST_LOG", True) and not app.testing and not log.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False  # one line, not a second copy through the root logger

    @app.after_request
    def finish(response):
        response.headers[HEADER] = request_id()
        try:
            path, user_id = masked_path(), _user_id()
        except Exception:  # a log line must never turn a response into a 500
            logging.getLogger(__name__).exception("request log line failed")
            return response
        write(request_id=request_id(), method=request.method, path=path, endpoint=request.endpoint,
              status=response.status_code, started=g.get("request_started"), user_id=user_id,
              ip=request.remote_addr)
        return response

    @app.context_processor
    def inject_request_id():
        return {"request_id": request_id}
