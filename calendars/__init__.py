"""A framework-free calendar library: publish feeds and invitations, import busy times,
fetch user-given calendar URLs safely, and know French holidays.

This package never imports flask, sqlalchemy or ``app``: it takes and returns plain values.
"""
