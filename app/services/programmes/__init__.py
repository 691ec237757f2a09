"""Programmes of half-days and forums: parts with times, the rotation block's tables, groups
and grid, planned through `planning` (the one adapter to the rotation planner)."""
