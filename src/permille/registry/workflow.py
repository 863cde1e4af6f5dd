"""The Initiative's workflows as data: each state machine is a table (``data/workflows/<machine>.yaml``)
of transitions ``from`` state → ``action`` → ``to`` state, the ``roles`` allowed and the ``guards`` to
pass. :func:`fire` is the one place a workflow moves: it refuses a wrong state (409), a role not allowed
(403) or a failed guard (the guard's error), sets the new state and audits the step on the record."""

import functools
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import yaml
from sqlalchemy.orm import Session

from .service import Conflict, Forbidden, Invalid, RegistryError, audit

Guard = Callable[[], RegistryError | None]
"""A check of a transition: None when it passes, else the error to raise."""


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    roles: frozenset[str]
    guards: tuple[str, ...]


@dataclass(frozen=True)
class Machine:
    name: str
    initial: str
    states: tuple[str, ...]
    transitions: tuple[Transition, ...]

    def actions(self) -> set[str]:
        return {t.action for t in self.transitions}

    def allowed(self, state: str, roles: Collection[str]) -> list[str]:
        """The actions someone with ``roles`` may try in ``state`` (guards not checked)."""
        return [t.action for t in self.transitions if t.source == state and t.roles & set(roles)]


@functools.cache
def machine(name: str) -> Machine:
    """The state machine ``name`` from its table (states and roles checked on load)."""
    table = yaml.safe_load((files("permille") / "data" / "workflows" / f"{name}.yaml").read_text("utf-8"))
    states = tuple(table["states"])
    transitions = tuple(
        Transition(t["from"], t["action"], t["to"], frozenset(t["roles"]), tuple(t.get("guards", ())))
        for t in table["transitions"]
    )
    for t in transitions:
        if t.source not in states or t.target not in states:
            raise ValueError(f"{name}: {t.action} goes from or to an unknown state")
    if len({(t.source, t.action) for t in transitions}) != len(transitions):
        raise ValueError(f"{name}: two transitions share a state and an action")
    return Machine(table["machine"], table["initial"], states, transitions)


def fire(
    session: Session,
    name: str,
    item: Any,
    action: str,
    user: Any,
    roles: Collection[str],
    guards: Mapping[str, Guard],
    detail: dict | None = None,
) -> Transition:
    """Move ``item`` (with ``state`` and, once flushed, ``id``) by ``action`` taken by ``user`` holding
    ``roles``; the step is audited as kind ``name`` with the states before and after and ``detail``."""
    table = machine(name)
    if action not in table.actions():
        raise Invalid(f"unknown action {action!r}; one of {', '.join(sorted(table.actions()))}")
    transition = next((t for t in table.transitions if t.source == item.state and t.action == action), None)
    if transition is None:
        possible = sorted({t.source for t in table.transitions if t.action == action})
        raise Conflict(
            f"{action} is not possible when the {name.replace('_', ' ')} is {item.state.replace('_', ' ')}"
            f" (only when {', '.join(s.replace('_', ' ') for s in possible)})"
        )
    if not transition.roles & set(roles):
        raise Forbidden(f"{action} needs the role {', '.join(sorted(transition.roles))}")
    for guard in transition.guards:
        error = guards[guard]()
        if error is not None:
            raise error
    before = item.state
    item.state = transition.target
    session.flush()
    audit(
        session, user, name, item.id, action, {"state": before}, {"state": transition.target} | (detail or {})
    )
    return transition
