"""The demo data holds a half-day and a forum with a planned programme."""

from __future__ import annotations

from sqlalchemy import select

from app.demo import seed
from app.models import EventStatus, PartKind, ProgrammePart
from app.services.programmes import grid


def test_demo_programmes_are_planned_without_conflicts(db):
    seed.seed(seed=7)
    blocks = db.session.scalars(select(ProgrammePart).where(ProgrammePart.kind == PartKind.ROTATION)).all()
    assert len(blocks) == 2
    for block in blocks:
        assert block.cells and grid.conflicts(block) == []
        assert block.event.status == EventStatus.CONFIRMED
    sizes = sorted((len(b.tables), len(b.groups), b.round_count) for b in blocks)
    assert sizes[0] == (6, 6, 5)
