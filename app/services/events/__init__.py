"""Events: their lifecycle, the organizers' calendar and event pages, the emails sent when an
event changes, reminders and feedback after it, and the paginated listings of the API."""
