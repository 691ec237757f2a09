"""Matching: candidate building (database queries) and a pure solver.

The solver modules (``problem``, ``costs``, ``conflicts``, ``flow``, ``exact``, ``solver``,
``explain``, ``greedy``) take numpy arrays and return plain values; they import neither Flask,
SQLAlchemy nor any other ``app`` module, so they can be tested and benchmarked alone. So does
the rotation planner of half-days and forums (``rotations``).
"""
