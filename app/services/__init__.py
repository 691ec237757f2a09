"""The domain: verb-named operations that take the actor and data as arguments.

Services never read the request or the session, and flush rather than commit: the caller (a
view through `app.web.units`, a job, a command) commits once. One sub-package per domain:

- `common`: domain errors, access checks, organizer scope, the audit writer;
- `requests`: what schools ask for (the public form, follow-up, windows, schools, the
  organizers' queue, slot suggestions, the emails about a request);
- `events`: events and their lifecycle, the organizers' calendar and event pages, the emails
  about an event, reminders, feedback, the API's listings;
- `pairing`: role models on events (assignments and their seats, invitations and answers,
  matching proposals, the organizers' pairing board);
- `role_models`: profiles and availability, the organizers' directory, personal data, their own
  calendars (sync) and week;
- `accounts`: users, sign-in links, API tokens;
- `mail`: the outbox (writing, sending, the organizers' outbox page);
- `statistics`: impact figures and CSV exports;
- `operations`: health, the scheduler's lease, retention.

Calendar feeds have their own package (`app.feeds`), demo data too (`app.demo`).
"""
