"""The lifecycle diagram, drawn from the state machine itself.

States are laid out in columns by the longest path from the initial state
(back edges such as ``reject`` and ``resume`` ignored), and the transitions
declared on ``Agreement.state`` become the arrows, so the picture cannot
drift from the code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django_fsm import RETURN_VALUE

from .models import TRANSITION_LABELS, Agreement
from .permissions import daily_job_only
from .services import REASON_REQUIRED, TRANSITION_FIELDS

BOX_W, BOX_H = 128, 40
COL_GAP, ROW_GAP = 212, 96
MARGIN = 24
TOP = 64  # room above the first row for loops and bent arrows


@dataclass(frozen=True)
class Node:
    state: str
    label: str
    x: float
    y: float

    @property
    def cx(self) -> float:
        return self.x + BOX_W / 2

    @property
    def cy(self) -> float:
        return self.y + BOX_H / 2


@dataclass(frozen=True)
class Edge:
    name: str
    label: str
    source: str
    target: str
    path: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    who: str
    needs: tuple[str, ...]
    reason: bool


@dataclass(frozen=True)
class Diagram:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    width: float
    height: float
    rows: tuple[Row, ...]


def transitions() -> list[tuple[str, str, tuple[str, ...], object]]:
    """(name, source, targets, permission) for every declared transition."""
    field = Agreement._meta.get_field("state")
    found = []
    for t in field.get_all_transitions(Agreement):
        target = t.target
        if isinstance(target, RETURN_VALUE):
            targets = tuple(target.allowed_states or ())
        else:
            targets = (target,)
        found.append((t.name, t.source, targets, t.permission))
    return found


def _layers(edges: list[tuple[str, str]], initial: str) -> dict[str, int]:
    graph: dict[str, list[str]] = {}
    for source, target in edges:
        if source != target:
            graph.setdefault(source, []).append(target)
    # Drop back edges found by a depth-first walk, then take longest paths.
    forward: dict[str, list[str]] = {}
    visiting: set[str] = set()
    done: set[str] = set()

    def walk(state: str) -> None:
        visiting.add(state)
        for nxt in graph.get(state, []):
            if nxt in visiting:
                continue
            forward.setdefault(state, []).append(nxt)
            if nxt not in done:
                walk(nxt)
        visiting.discard(state)
        done.add(state)

    walk(initial)
    layer = {initial: 0}
    order: list[str] = []
    seen: set[str] = set()

    def topo(state: str) -> None:
        seen.add(state)
        for nxt in forward.get(state, []):
            if nxt not in seen:
                topo(nxt)
        order.append(state)

    topo(initial)
    for state in reversed(order):
        for nxt in forward.get(state, []):
            layer[nxt] = max(layer.get(nxt, 0), layer[state] + 1)
    return layer


def diagram() -> Diagram:
    found = transitions()
    pairs = [(src, tgt) for _, src, targets, _ in found for tgt in targets]
    initial = Agreement._meta.get_field("state").default
    layer = _layers(pairs, initial)
    labels = dict(Agreement.State.choices)
    positions = _place(pairs, layer)
    nodes = {
        state: Node(
            state=state,
            label=str(labels[state]),
            x=MARGIN + col * COL_GAP,
            y=TOP + row * ROW_GAP,
        )
        for state, (col, row) in positions.items()
    }
    reverse = set(pairs)
    edges = []
    for name, source, targets, _perm in found:
        for target in targets:
            edges.append(
                _edge(name, nodes[source], nodes[target], (target, source) in reverse)
            )
    width = MARGIN * 2 + max(c for c, _ in positions.values()) * COL_GAP + BOX_W
    height = TOP + max(r for _, r in positions.values()) * ROW_GAP + BOX_H + MARGIN
    return Diagram(
        nodes=tuple(nodes.values()),
        edges=tuple(edges),
        width=width,
        height=height,
        rows=tuple(_rows(found)),
    )


def _place(
    pairs: list[tuple[str, str]], layer: dict[str, int]
) -> dict[str, tuple[float, int]]:
    """(column, row) of each state: the longest chain of states on the top
    row, the others below, near the states they connect to."""
    order = list(Agreement.State.values)
    end = min(
        (s for s in order if s in layer),
        key=lambda s: (-layer[s], order.index(s)),
    )
    chain = [end]
    while layer[chain[-1]] > 0:
        current = chain[-1]
        before = [
            src
            for src, tgt in pairs
            if tgt == current and layer.get(src) == layer[current] - 1
        ]
        chain.append(min(before, key=order.index))
    positions: dict[str, tuple[float, int]] = {
        state: (float(layer[state]), 0) for state in chain
    }
    for state in order:
        if state in positions:
            continue
        neighbours = [
            positions[other][0]
            for src, tgt in pairs
            for other in ((tgt,) if src == state else (src,) if tgt == state else ())
            if other in positions and other != state
        ]
        col = sum(neighbours) / len(neighbours) if neighbours else 0.0
        row = 1
        while any(r == row and abs(c - col) < 1.0 for c, r in positions.values()):
            row += 1
        positions[state] = (col, row)
    return positions


def _border_point(
    node: Node, towards_x: float, towards_y: float
) -> tuple[float, float]:
    dx, dy = towards_x - node.cx, towards_y - node.cy
    if dx == 0 and dy == 0:
        return node.cx, node.cy
    scale = min(
        (BOX_W / 2) / abs(dx) if dx else math.inf,
        (BOX_H / 2) / abs(dy) if dy else math.inf,
    )
    return node.cx + dx * scale, node.cy + dy * scale


def _edge(name: str, a: Node, b: Node, has_reverse: bool) -> Edge:
    if a.state == b.state:
        x, y = a.cx, a.y
        path = (
            f"M {x - 20:.0f} {y:.0f} C {x - 30:.0f} {y - 40:.0f} "
            f"{x + 30:.0f} {y - 40:.0f} {x + 20:.0f} {y:.0f}"
        )
        return Edge(name, _label(name), a.state, b.state, path, x, y - 36)
    dx, dy = b.cx - a.cx, b.cy - a.cy
    length = math.hypot(dx, dy)
    # Bend arrows that have a reverse twin or skip columns, so they do not
    # overlap each other or run through the boxes between.
    bend = 0.0
    if has_reverse:
        bend = 22.0
    span = abs(dx) / COL_GAP
    if span > 1.5 and abs(dy) < 1:
        bend = max(bend, 18.0 * span)
    nx, ny = -dy / length, dx / length
    mx, my = (a.cx + b.cx) / 2 + nx * bend, (a.cy + b.cy) / 2 + ny * bend
    sx, sy = _border_point(a, mx, my)
    ex, ey = _border_point(b, mx, my)
    path = f"M {sx:.0f} {sy:.0f} Q {mx:.0f} {my:.0f} {ex:.0f} {ey:.0f}"
    # The curve's midpoint for the label.
    lx = 0.25 * sx + 0.5 * mx + 0.25 * ex
    ly = 0.25 * sy + 0.5 * my + 0.25 * ey
    if abs(dy) < 1 and bend <= 0:
        ly -= 7  # above a straight arrow, not on it
    return Edge(name, _label(name), a.state, b.state, path, lx, ly)


def _label(name: str) -> str:
    return str(TRANSITION_LABELS.get(name, name))


def _rows(found: list) -> list[Row]:
    from django.utils.translation import gettext_lazy as _

    from workflows.permissions import leadership_only

    who = {
        leadership_only: _("Leadership"),
        daily_job_only: _("The daily job"),
    }
    grouped: dict[str, tuple[list[str], list[str], object]] = {}
    for name, source, targets, permission in found:
        sources, tgts, _perm = grouped.setdefault(name, ([], [], permission))
        if source not in sources:
            sources.append(source)
        for target in targets:
            if target not in tgts:
                tgts.append(target)
    fields = {f.name: f.verbose_name for f in Agreement._meta.fields}
    states = {value: str(label) for value, label in Agreement.State.choices}
    rows = []
    for name in Agreement.TRANSITIONS:
        if name not in grouped:
            continue
        sources, targets, permission = grouped[name]
        needs = [str(fields[f]) for f in TRANSITION_FIELDS.get(name, ())]
        if name == "sign":
            needs.append(str(_("a signatory for each side")))
        if name == "agree_text":
            needs.append(str(_("at least one negotiation round")))
        rows.append(
            Row(
                name=name,
                label=_label(name),
                sources=tuple(states[s] for s in sources),
                targets=tuple(states[t] for t in targets),
                who=str(
                    who.get(
                        permission, _("Officers and chiefs of the desk, leadership")
                    )
                ),
                needs=tuple(needs),
                reason=name in REASON_REQUIRED,
            )
        )
    return rows
