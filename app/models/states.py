"""State machines: each status enum declares its allowed transitions once, next to itself,
and this module enforces them on every assignment of a status attribute, whoever does it."""

from __future__ import annotations

import enum

from sqlalchemy import event
from sqlalchemy.orm.attributes import InstrumentedAttribute


class IllegalTransition(ValueError):
    """A status change that the state machine does not allow."""

    def __init__(self, current: enum.Enum, target: enum.Enum):
        self.current = current
        self.target = target
        super().__init__(f"{type(target).__name__}: {current.value} → {target.value} is not allowed")


class Status(enum.StrEnum):
    """Base for status enums. Subclasses call `allow(...)` right after their definition."""

    @classmethod
    def transitions(cls) -> dict[Status, frozenset[Status]]:
        return _TRANSITIONS[cls]

    def can_become(self, target: Status) -> bool:
        return target in _TRANSITIONS[type(self)].get(self, frozenset())

    @property
    def is_final(self) -> bool:
        return not _TRANSITIONS[type(self)].get(self)


_TRANSITIONS: dict[type[Status], dict[Status, frozenset[Status]]] = {}


def allow(enum_cls: type[Status], transitions: dict[Status, set[Status]]) -> None:
    missing = set(enum_cls) - set(transitions)
    if missing:
        raise TypeError(f"{enum_cls.__name__}: no transitions declared for {missing}")
    _TRANSITIONS[enum_cls] = {k: frozenset(v) for k, v in transitions.items()}


def guard_transitions(attribute: InstrumentedAttribute) -> None:
    """Refuse, on the ORM attribute itself, any status change its enum does not allow."""

    # active_history: load the old value even when expired, so no change slips through.
    @event.listens_for(attribute, "set", retval=True, active_history=True)
    def _check(target, value, oldvalue, initiator):
        if value is None or not isinstance(oldvalue, Status):
            return value  # first assignment (construction or load)
        enum_cls = type(oldvalue)
        value = enum_cls(value)
        if value != oldvalue and not oldvalue.can_become(value):
            raise IllegalTransition(oldvalue, value)
        return value
