"""The domain: verb-named operations that take the actor and data as arguments.

Services never read the request or the session, and flush rather than commit: the caller
(a view, a job, a command) commits once.
"""
