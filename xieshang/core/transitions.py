"""Transition tables: each stateful model declares its moves once, and everything reads them.

A :class:`Machine` names every transition of one state field (``status``): from which states it
may start and which state it leads to. Services call :meth:`Machine.move` (or :meth:`Machine.check`
for a move that leaves the state as it is) inside their row lock; pages ask
:meth:`Machine.can` / :meth:`Machine.available` which buttons to show; the API answers a move that
is not allowed with 409 and the allowed states, through :class:`TransitionConflict`.

Why a declared table of our own and not django-fsm-2 or viewflow's fsm: both attach transitions to
model methods and change the state in memory when the method runs, leaving the row lock, the
permission check, the versioned save and the audit row to code around them; our services already
do those four in one place (``core.writes``), so what was missing is only the table itself, one
per model, readable as data (``docs/architecture.md`` prints them) and checked by tests. Forty
lines cost less than a dependency whose main feature we would bypass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from .errors import ConflictError


class TransitionConflict(ConflictError):
    """The record is not in a state this move can start from; nothing was changed."""

    def __init__(self, message: str, *, state: str, allowed_states: Iterable[str]) -> None:
        super().__init__(message)
        self.state = state
        self.allowed_states = sorted(allowed_states)


@dataclass(frozen=True)
class Transition:
    """``sources``: the states the move starts from; ``target``: where it leads (``None``: stays)."""

    sources: frozenset[str]
    target: str | None
    label: str  # the verb, for "不能{label}"

    @classmethod
    def of(cls, sources: Iterable[str], target: str | None, label: str) -> Transition:
        return cls(frozenset(str(s) for s in sources), None if target is None else str(target), label)


@dataclass
class Machine:
    """The transitions of one model's state field, by name."""

    name: str  # the record, for messages: 该事项 / 该提案
    transitions: Mapping[str, Transition]
    field: str = "status"
    display: Mapping[str, str] = dc_field(default_factory=dict)

    def state(self, obj: Any) -> str:
        return str(getattr(obj, self.field))

    def can(self, obj: Any, name: str) -> bool:
        return self.state(obj) in self.transitions[name].sources

    def available(self, obj: Any) -> list[str]:
        """The names of the moves that may start from the record's current state."""
        state = self.state(obj)
        return [n for n, t in self.transitions.items() if state in t.sources]

    def check(self, obj: Any, name: str) -> Transition:
        """The transition, or :class:`TransitionConflict` when the record's state does not allow it."""
        t = self.transitions[name]
        state = self.state(obj)
        if state not in t.sources:
            shown = self.display.get(state) or _display(obj, self.field) or state
            raise TransitionConflict(
                f"{self.name}当前为「{shown}」，不能{t.label}。请刷新页面查看最新状态。",
                state=state,
                allowed_states=t.sources,
            )
        return t

    def move(self, obj: Any, name: str) -> str:
        """Check the move and set the new state on ``obj`` (the caller saves); returns the old state."""
        t = self.check(obj, name)
        before = self.state(obj)
        if t.target is not None:
            setattr(obj, self.field, t.target)
        return before

    def targets(self) -> dict[str, set[str]]:
        """State → the states reachable in one move (for documentation and tests)."""
        out: dict[str, set[str]] = {}
        for t in self.transitions.values():
            for s in t.sources:
                out.setdefault(s, set())
                if t.target is not None and t.target != s:
                    out[s].add(t.target)
        return out


def _display(obj: Any, field_name: str) -> str:
    getter = getattr(obj, f"get_{field_name}_display", None)
    return str(getter()) if callable(getter) else ""
