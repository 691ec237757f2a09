"""Realistic French demo data for `flask seed-demo`, so `make run` shows a living service."""
