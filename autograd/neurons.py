"""Neuron-level steps: the backward pass one unit at a time instead of one edge at a time.

A network's loss on one sample has dozens of edges per neuron (a product and a
sum for every weight); a class wants one step per neuron: its δ and its
weights' gradients together. :func:`neuron_steps` groups the edge steps of
:func:`~autograd.backprop_steps`:

- a *unit* is the root or a labelled computed node (a model labels each
  neuron's output after its unit, ``Z1``, ``D0``; see :mod:`nn.naming`);
- an unlabelled computed node joins the unit that consumes it (the products
  ``w·x`` of a weighted sum, or its partial sums when it is written with ``+``,
  join their neuron); one consumed by several units is a unit of its own;
- a node labelled ``net_<U>`` whose only consumer is a one-input op (an
  activation) labelled ``<U>`` joins that unit: it is the neuron's weighted
  sum, and its gradient the neuron's δ (``Z1 = tanh(net_Z1)``; this is how
  :mod:`nn` labels a neuron's values).

Each :class:`NeuronStep` holds its edge steps, so the numbers are the engine's
own: the last step into each input leaves exactly the ``.grad`` that
``backward()`` gives it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Set, Tuple

from . import notation
from .notation import _accumulated, _factor, _is_number, _Names, _render, _times
from .value import Value

if TYPE_CHECKING:  # steps.py imports this module (for level="neuron"); Step is only an annotation here
    from .steps import Step

__all__ = ["NeuronStep", "NeuronInput", "neuron_steps"]


@dataclass(frozen=True)
class NeuronInput:
    """What one unit sends to one of its inputs (a weight, a bias, an input, a lower unit):
    ``local`` is ∂base/∂input summed over the paths inside the unit (``base`` is the δ node,
    or the unit itself), ``contribution`` what the unit adds to the input's gradient, which
    goes from ``grad_before`` to ``grad_after`` (``final``: complete)."""

    value: Value
    name: str
    local: float
    contribution: float
    grad_before: float
    grad_after: float
    final: bool
    formula: str


@dataclass(frozen=True)
class NeuronStep:
    """One unit of the backward pass: its δ and the gradients it sends to its inputs.

    ``unit`` is the unit's Value (``Z1``), ``delta_node`` its weighted sum when it
    has an activation (else None), ``upstream`` = dL/dunit (complete when the step
    runs), ``delta`` = dL/d(delta_node) (or ``upstream``), ``inputs`` what each input
    receives, ``edges`` the edge-level steps it is made of, in the engine's order.
    """

    index: int
    unit: Value
    unit_name: str
    delta_node: Optional[Value]
    upstream: float
    delta: float
    inputs: Tuple[NeuronInput, ...]
    edges: Tuple[Step, ...]
    members: Tuple[Value, ...] = field(repr=False)
    graph: notation.GraphNames = field(repr=False, compare=False)

    @property
    def node(self) -> Value:
        """The unit (as ``Step.node``)."""
        return self.unit

    @property
    def root(self) -> Value:
        return self.graph.root

    def lines(self, digits: int = 4, format: str = "text") -> List[str]:
        """The step in the shared notation: what the unit is, its δ, then one line per input.

        >>> from autograd import Value, backprop_steps
        >>> x = Value(1.0, label="X1"); w = Value(0.5, label="W11"); b = Value(0.5, label="W10")
        >>> net = w * x + b; net.label = "net_Z1"
        >>> z = net.tanh(); z.label = "Z1"
        >>> L = (z - 1) ** 2
        >>> for s in backprop_steps(L, level="neuron"):
        ...     print("\\n".join(s.lines()))
        L = (Z1 − 1)² = 0.05684
          dL/dZ1 += ∂L/∂Z1 = 2·(Z1 − 1) = -0.4768
        Z1 = tanh(net_Z1) = 0.7616, net_Z1 = W11·X1 + W10 = 1.0
          dL/dnet_Z1 += dL/dZ1 · ∂Z1/∂net_Z1 = -0.4768 · (1 − tanh(net_Z1)²) = -0.4768 · 0.42 = -0.2002
          dL/dW10 += dL/dnet_Z1 · ∂net_Z1/∂W10 = -0.2002 · 1.0 = -0.2002
          dL/dW11 += dL/dnet_Z1 · ∂net_Z1/∂W11 = -0.2002 · X1 = -0.2002 · 1.0 = -0.2002
          dL/dX1 += dL/dnet_Z1 · ∂net_Z1/∂X1 = -0.2002 · W11 = -0.2002 · 0.5 = -0.1001
        """
        fmt = notation._check_format(format, "NeuronStep.lines")
        table = self.graph.table(fmt)
        base = table.format
        out = [self._definition(table, digits)]
        body: List[str] = []
        R = table.root_name if base == "latex" else notation._bracket(table.root_name)
        times = _times(base)
        plus = r" \mathrel{+}= " if base == "latex" else " += "
        below = self.delta_node if self.delta_node is not None else self.unit
        if self.delta_node is not None:
            first = next(s for s in self.edges if s.parent is self.delta_node)
            body.append(notation.step(first, digits, base))
        B = table.arg(below)
        from_root = below is self.graph.root and self.delta == 1.0
        for inp in self.inputs:
            P = table.arg(inp.value)
            loc = notation.local(B, P, base)
            lhs = notation.total(R, P, base) + plus
            rule = inp.formula if base == "text" else self._formula(inp.value, table)
            if from_root:
                parts = [loc] + ([rule] if rule else []) + [notation.number(inp.contribution, digits, base)]
            else:
                up = notation.number(self.delta, digits, base)
                parts = [notation.total(R, B, base) + times + loc]
                if rule:
                    parts.append(f"{up}{times}{_factor(rule, base)}")
                parts.append(f"{up}{times}{_factor(notation.number(inp.local, digits, base), base)}")
                parts.append(notation.number(inp.contribution, digits, base))
            body.append(lhs + " = ".join(parts))
        out += ["  " + line for line in body] if base != "latex" else body
        return [notation._finish_plain(line, fmt) for line in out]

    def equation(self, root_name: Optional[str] = None, digits: int = 4, format: str = "text") -> str:
        """All of :meth:`lines`, one per line (``root_name`` is accepted as on ``Step``)."""
        return "\n".join(self.lines(digits, format))

    def results(self, digits: int = 4, format: str = "text") -> List[str]:
        """Each input's gradient after the step: ``dL/dW11 = 0.126`` or ``= a + b = c (complete)``."""
        fmt = notation._check_format(format, "NeuronStep.results")
        table = self.graph.table(fmt)
        base = table.format
        R = table.root_name if base == "latex" else notation._bracket(table.root_name)
        out = []
        for inp in self.inputs:
            lhs = notation.total(R, table.arg(inp.value), base)
            text = _accumulated(lhs, inp.grad_before == 0.0, inp.grad_before, inp.contribution,
                                inp.grad_after, inp.final, digits, base)
            out.append(notation._finish_plain(text, fmt))
        return out

    def result(self, root_name: Optional[str] = None, digits: int = 4, format: str = "text") -> str:
        """:meth:`results`, one per line."""
        return "\n".join(self.results(digits, format))

    def symbolic(self, root_name: Optional[str] = None, format: str = "text") -> str:
        """In words: which unit, and what it hands back."""
        names = self.graph.table("text").names
        sent = ", ".join(names[i.value] for i in self.inputs)
        what = f"its δ = dL/d{notation._bracket(names[self.delta_node])}, then " if self.delta_node is not None else ""
        return notation.render(f"{self.unit_name}: {what}the gradients of {sent}", format) if format != "latex" \
            else f"\\text{{{self.unit_name}}}"

    # --- helpers -------------------------------------------------------------------------------------

    def _inner_forms(self, table: _Names) -> Dict[Value, Tuple[str, int]]:
        """Forms that spell out the unit's unlabelled inner nodes (products, partial sums) in its inputs' names."""
        inner = set(self.members) - {self.unit} - ({self.delta_node} if self.delta_node is not None else set())
        forms: Dict[Value, Tuple[str, int]] = {}
        for v in reversed(self.members):  # members are listed from the unit down; build inputs first
            if v in inner:
                forms[v] = _render(v, [forms.get(p, table.forms[p]) for p in v.parents], table.format)
        return forms

    def _definition(self, table: _Names, digits: int) -> str:
        forms = self._inner_forms(table)

        def define(v: Value) -> str:
            expr, _ = _render(v, [forms.get(p, table.forms[p]) for p in v.parents], table.format)
            value = notation.number(v.data, digits, table.format)
            name = table.name(v)
            return " = ".join([name] + ([expr] if expr != name else []) + [value])

        text = define(self.unit)
        if self.delta_node is not None:
            text += ", " + define(self.delta_node)
        return text

    def _formula(self, value: Value, table: _Names) -> str:
        return _path_formula(self, value, table)


def _path_formula(step: NeuronStep, target: Value, table: _Names) -> str:
    """∂base/∂target as a formula when one path inside the unit leads there, else ''."""
    base = step.delta_node if step.delta_node is not None else step.unit
    inside = set(step.members)
    paths: List[List[Tuple[Value, int]]] = []
    stack: List[Tuple[Value, List[Tuple[Value, int]]]] = [(base, [])]
    while stack and len(paths) < 2:
        node, path = stack.pop()
        for i, p in enumerate(node.parents):
            if p is target:
                paths.append(path + [(node, i)])
            elif p in inside and p is not base:
                stack.append((p, path + [(node, i)]))
    if len(paths) != 1:
        return ""
    coefficient = 1.0
    factors: List[str] = []
    for node, i in paths[0]:
        text = notation._formula(node, i, table)
        if not text:
            return ""
        if _is_number(text):
            coefficient *= float(text.replace(notation.MINUS, "-"))
        else:
            factors.append(text)
    if not factors:
        return ""
    if coefficient != 1.0:
        factors.insert(0, notation.number(coefficient, 4, table.format).removesuffix(".0"))
    if len(factors) == 1:
        return factors[0]
    joiner = r" \cdot " if table.format == "latex" else notation.DOT
    return joiner.join(_factor(f, table.format) if ("+" in f or notation.MINUS in f or " - " in f) else f
                       for f in factors)


def _units(root: Value, order: Sequence[Value]) -> Tuple[Dict[Value, Value], Dict[Value, Value]]:
    """``owner``: every computed node -> the unit it belongs to; ``delta``: unit -> its δ node."""
    consumers: Dict[Value, List[Value]] = {}
    for v in order:
        for p in v.parents:
            consumers.setdefault(p, []).append(v)
    owner: Dict[Value, Value] = {}
    delta: Dict[Value, Value] = {}
    for v in order:  # from the root down (order is the backward order)
        if v.is_leaf:
            continue
        users = consumers.get(v, [])
        if v is root:
            owner[v] = v
            continue
        if v.label:
            only = users[0] if len(users) == 1 else None
            if only is not None and len(only.parents) == 1 and owner.get(only) is only and only not in delta \
                    and v.label == "net_" + only.label:
                owner[v] = only
                delta[only] = v
            else:
                owner[v] = v
            continue
        heads = {owner[u] for u in users}
        owner[v] = heads.pop() if len(heads) == 1 else v
    return owner, delta


def neuron_steps(edges: List[Step]) -> List[NeuronStep]:
    """Group edge-level steps (all of one backward pass) into one :class:`NeuronStep` per unit.

    >>> from autograd import Value, backprop_steps
    >>> x = Value(1.0, label="X1"); w = Value(0.5, label="W11"); b = Value(0.5, label="W10")
    >>> z = (w * x + b).tanh(); z.label = "Z1"
    >>> L = (z - 1) ** 2
    >>> [(s.unit_name, len(s.edges), [i.name for i in s.inputs]) for s in neuron_steps(backprop_steps(L))]
    [('L', 2, ['Z1']), ('Z1', 5, ['W10', 'W11', 'X1'])]
    """
    if not edges:
        return []
    graph = edges[0].graph
    root = graph.root
    order: List[Value] = []
    seen: Set[Value] = set()
    for s in edges:
        if s.node not in seen:
            seen.add(s.node)
            order.append(s.node)
    owner, delta = _units(root, order)
    names = graph.table("text").names
    table = graph.table("text")
    groups: Dict[Value, List[Step]] = {}
    heads: List[Value] = []
    for s in edges:
        h = owner[s.node]
        if h not in groups:
            groups[h] = []
            heads.append(h)
        groups[h].append(s)
    out: List[NeuronStep] = []
    for k, h in enumerate(heads):
        steps = groups[h]
        members = tuple(dict.fromkeys(s.node for s in steps))
        inside = set(members)
        d = delta.get(h)
        base = d if d is not None else h
        local = _locals_from(base, steps, inside)
        by_input: Dict[Value, List[Step]] = {}
        for s in steps:
            if s.parent not in inside:
                by_input.setdefault(s.parent, []).append(s)
        upstream = steps[0].upstream
        delta_value = next((s.parent_grad_after for s in steps if s.parent is d and s.final), upstream)
        partial = NeuronStep(k, h, names[h], d, upstream, delta_value, (), tuple(steps), members, graph)
        inputs: List[NeuronInput] = []
        for value, into in by_input.items():
            contribution = into[0].contribution
            for s in into[1:]:
                contribution += s.contribution
            inputs.append(NeuronInput(
                value=value, name=names[value], local=local.get(value, 0.0), contribution=contribution,
                grad_before=into[0].parent_grad_before, grad_after=into[-1].parent_grad_after,
                final=into[-1].final, formula=_path_formula(partial, value, table)))
        out.append(NeuronStep(k, h, names[h], d, upstream, delta_value, tuple(inputs), tuple(steps), members,
                              graph))
    return out


def _locals_from(base: Value, steps: Sequence[Step], inside: Set[Value]) -> Dict[Value, float]:
    """∂base/∂v for every input of the unit, summed over the paths inside it: the unit's own edge
    steps replayed from ``base`` with seed 1 (they come in the engine's order, consumers first)."""
    grads: Dict[Value, float] = {base: 1.0}
    out: Dict[Value, float] = {}
    for s in steps:
        if s.node not in grads:
            continue  # above base (the activation's edge into the δ node)
        g = grads[s.node] * s.local
        target = grads if s.parent in inside else out
        target[s.parent] = target.get(s.parent, 0.0) + g
    return out
