"""The misconception catalogue: the classic wrong chain rules, each one *computed*.

A misconception is an alternative rule for the backward pass: a different
local derivative for one row of the op table (``tanh-input`` takes tanh's
derivative as ``1 − a²`` of its input ``a``), or a different way of applying the
chain rule (``no-upstream`` forgets to multiply by the upstream gradient,
``no-accumulate`` keeps one use of a node instead of adding them all). To say
which mistake a student made, the backward pass is re-run with each wrong rule
(at each place it can apply, and everywhere at once) and the student's number is
compared with what each run gives. Nothing is guessed: a diagnosis is a number
the engine reproduced.

>>> [m.name for m in MISCONCEPTIONS.values()]  # doctest: +NORMALIZE_WHITESPACE
['sign', 'no-upstream', 'no-accumulate', 'tanh-input', 'sigmoid-input', 'product-swap',
 'power-rule', 'quotient-sign']
>>> print(MISCONCEPTIONS["product-swap"].example)
L = x*y at x = 2, y = 5: dL/dx taken as x = 2 instead of y = 5
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, List, Mapping, Optional, Sequence, Tuple

from .engine import backward_order
from .value import Value

__all__ = ["Misconception", "MISCONCEPTIONS", "Wrong", "GraphPass"]

#: ``wrong(out, inputs, position, param)``: a wrong local derivative for one input of one op row.
WrongLocal = Callable[[float, Sequence[float], int, Optional[float]], Optional[float]]


@dataclass(frozen=True)
class Misconception:
    """One classic mistake: its ``name`` (used in feedback), what the student
    does (``summary``, read after "when you"), the right rule (``right``), a one-line ``example``
    with numbers, and the example itself as data (``expression``, ``values``,
    ``leaf``, the ``wrong`` and ``correct`` numbers it shows), which the tests
    recompute through :class:`GraphPass`."""

    name: str
    summary: str
    right: str
    example: str
    expression: str
    values: Mapping[str, float]
    leaf: str
    wrong: float
    correct: float
    ops: Tuple[str, ...] = ()  # the op rows whose local derivative it replaces ('' rules apply to the pass)
    rule: Optional[WrongLocal] = field(default=None, repr=False, compare=False)


# --- wrong local derivatives, for rows of the op table (autograd/ops.py) ------------------------------

def _tanh_input(out: float, inputs: Sequence[float], position: int, param: Optional[float]) -> Optional[float]:
    a = inputs[0]
    return 1.0 - a * a                      # right: 1 - out², with out = tanh(a)


def _sigmoid_input(out: float, inputs: Sequence[float], position: int, param: Optional[float]) -> Optional[float]:
    a = inputs[0]
    return a * (1.0 - a)                    # right: out·(1 - out), with out = sigmoid(a)


def _product_swap(out: float, inputs: Sequence[float], position: int, param: Optional[float]) -> Optional[float]:
    return inputs[position]                 # right: the *other* factor, inputs[1 - position]


def _power_rule(out: float, inputs: Sequence[float], position: int, param: Optional[float]) -> Optional[float]:
    if param is not None:                   # x ** n with a number n: right n·x^(n-1)
        return param * out
    if position == 0:                       # a ** b with b in the graph: right b·a^(b-1)
        return inputs[1] * out
    return None                             # the exponent's derivative is another rule


def _quotient_sign(out: float, inputs: Sequence[float], position: int, param: Optional[float]) -> Optional[float]:
    return out / inputs[1] if position == 1 else None   # right: -a/b² = -out/b


MISCONCEPTIONS: Dict[str, Misconception] = {m.name: m for m in (
    Misconception(
        "sign", "lose or gain a minus sign, so the answer is the negative of the right one",
        "Keep every minus sign: a local derivative can be negative",
        "L = x*y at x = 2, y = 3: dL/dx taken as -3 instead of 3",
        "x*y", {"x": 2.0, "y": 3.0}, "x", -3.0, 3.0),
    Misconception(
        "no-upstream", "take the local derivative alone, not multiplied by the gradient arriving from above",
        "dL/dx = dL/dh · ∂h/∂x: multiply the local derivative by the upstream gradient",
        "L = (x*y)**2 at x = 1, y = 2: dL/dx taken as ∂(x*y)/∂x = y = 2 instead of dL/d(x*y) · y = 4 · 2 = 8",
        "(x*y)**2", {"x": 1.0, "y": 2.0}, "x", 2.0, 8.0),
    Misconception(
        "no-accumulate", "keep the contribution of one use only of a node used more than once (= instead of +=)",
        "A node used twice gets the sum of the contributions from both uses",
        "L = x*x at x = 3: dL/dx taken as 3 (one use) instead of 3 + 3 = 6",
        "x*x", {"x": 3.0}, "x", 3.0, 6.0),
    Misconception(
        "tanh-input", "take tanh's derivative as 1 − a² of its input a",
        "∂tanh(a)/∂a = 1 − tanh(a)²: square the output, not the input",
        "L = tanh(x) at x = 0.5: dL/dx taken as 1 − 0.5² = 0.75 instead of 1 − tanh(0.5)² = 0.7864",
        "tanh(x)", {"x": 0.5}, "x", 0.75, 0.7864477329659274, ("tanh",), _tanh_input),
    Misconception(
        "sigmoid-input", "take sigmoid's derivative as a(1 − a) of its input a",
        "∂σ(a)/∂a = σ(a)(1 − σ(a)): use the output, not the input",
        "L = sigmoid(x) at x = 2: dL/dx taken as 2·(1 − 2) = -2 instead of σ(2)(1 − σ(2)) = 0.105",
        "sigmoid(x)", {"x": 2.0}, "x", -2.0, 0.10499358540350662, ("sigmoid",), _sigmoid_input),
    Misconception(
        "product-swap", "take ∂(a·b)/∂a as a instead of b",
        "The derivative of a product with respect to one factor is the other factor",
        "L = x*y at x = 2, y = 5: dL/dx taken as x = 2 instead of y = 5",
        "x*y", {"x": 2.0, "y": 5.0}, "x", 2.0, 5.0, ("mul",), _product_swap),
    Misconception(
        "power-rule", "take ∂(aⁿ)/∂a as n·aⁿ instead of n·aⁿ⁻¹",
        "Bring the power down and lower it by one: ∂(aⁿ)/∂a = n·aⁿ⁻¹",
        "L = x**3 at x = 2: dL/dx taken as 3·2³ = 24 instead of 3·2² = 12",
        "x**3", {"x": 2.0}, "x", 24.0, 12.0, ("pow",), _power_rule),
    Misconception(
        "quotient-sign", "take ∂(a/b)/∂b as +a/b² instead of −a/b²",
        "∂(a/b)/∂b = −a/b²: a bigger denominator makes the quotient smaller",
        "L = x/y at x = 3, y = 2: dL/dy taken as 3/2² = 0.75 instead of -0.75",
        "x/y", {"x": 3.0, "y": 2.0}, "y", 0.75, -0.75, ("div",), _quotient_sign),
)}

#: The order a diagnosis names misconceptions in when several give the same number: the most specific first.
PRIORITY = ("tanh-input", "sigmoid-input", "product-swap", "power-rule", "quotient-sign", "no-accumulate",
            "no-upstream", "sign")


# --- the backward pass, with a wrong rule in chosen places ---------------------------------------------

@dataclass(frozen=True)
class Wrong:
    """A wrong backward pass: which ``misconception``, at which edges (``sites``,
    indices into :attr:`GraphPass.edges`, in the order the pass meets them), and how:
    a wrong local derivative per edge (``local``), edges whose contribution is the local
    derivative alone (``raw``), edges whose contribution is dropped (``drop``), ``assign``
    (``'last'`` or ``'first'``: a reused node keeps one contribution, ``=`` for ``+=``)
    and the gradient the root starts with (``seed``)."""

    misconception: str
    sites: Tuple[int, ...] = ()
    local: Mapping[int, float] = field(default_factory=dict)
    raw: FrozenSet[int] = frozenset()
    drop: FrozenSet[int] = frozenset()
    assign: str = ""
    seed: float = 1.0


class GraphPass:
    """A graph laid out for re-running its backward pass with wrong rules.

    ``nodes`` are the Values that get a gradient (constants have none), root
    first, each before its inputs (:func:`autograd.backward_order`); ``edges``
    are ``(node index, input index, position)`` in the order the backward pass
    applies them, and ``locals`` the right local derivative of each.

    >>> x, y = Value(2.0, label="x"), Value(5.0, label="y")
    >>> g = GraphPass(x * y)
    >>> g.run(Wrong("none"))[1:], g.run(g.wrongs()[0])[1:]      # x, y: right, then with the sign flipped
    ([5.0, 2.0], [-5.0, -2.0])
    >>> [w.misconception for w in g.wrongs()]
    ['sign', 'no-upstream', 'no-upstream', 'no-upstream', 'product-swap', 'product-swap', 'product-swap']
    """

    def __init__(self, root: Value) -> None:
        self.root = root
        self.nodes: List[Value] = [v for v in backward_order(root) if not v.is_constant]
        self.index: Dict[Value, int] = {v: i for i, v in enumerate(self.nodes)}
        self.edges: List[Tuple[int, int, int]] = []
        self.locals: List[float] = []
        for i, node in enumerate(self.nodes):
            for position, (parent, local) in enumerate(zip(node.parents, node.local_derivatives())):
                if not parent.is_constant:
                    self.edges.append((i, self.index[parent], position))
                    self.locals.append(float(local))
        self.uses: Dict[int, List[int]] = {}
        for k, (_, j, _) in enumerate(self.edges):
            self.uses.setdefault(j, []).append(k)
        self.right = self.run(Wrong(""))
        # below[j]: every node j depends on (j included): an edge into j is on a path from the root to each
        self.below: List[FrozenSet[int]] = [frozenset()] * len(self.nodes)
        for i in reversed(range(len(self.nodes))):
            inputs = [self.index[p] for p in self.nodes[i].parents if not p.is_constant]
            self.below[i] = frozenset([i]).union(*[self.below[j] for j in inputs])

    def run(self, wrong: Wrong) -> List[float]:
        """Every node's gradient (in ``nodes`` order) by the backward pass with ``wrong``'s rule.

        >>> x = Value(3.0, label="x")
        >>> g = GraphPass(x * x)
        >>> g.run(Wrong("")), g.run(g.everywhere("no-accumulate"))     # L, x: right, then one use of x only
        ([1.0, 6.0], [1.0, 3.0])
        """
        grads = [0.0] * len(self.nodes)
        got = [False] * len(self.nodes)
        if self.nodes:
            grads[0] = wrong.seed
        for k, (i, j, _) in enumerate(self.edges):
            if k in wrong.drop:
                continue
            local = wrong.local.get(k, self.locals[k])
            contribution = local if k in wrong.raw else local * grads[i]
            if wrong.assign == "last" or not got[j]:
                grads[j] = contribution
            elif wrong.assign != "first":
                grads[j] += contribution
            got[j] = True
        return grads

    def wrong_local(self, k: int, name: str) -> Optional[float]:
        """The local derivative misconception ``name`` takes on edge ``k`` (None where it does not apply).

        >>> g = GraphPass(Value(0.5).tanh())
        >>> g.wrong_local(0, "tanh-input"), g.wrong_local(0, "product-swap")
        (0.75, None)
        """
        m = MISCONCEPTIONS[name]
        i, _, position = self.edges[k]
        node = self.nodes[i]
        fn = node._fn
        if m.rule is None or fn is None or fn.name not in m.ops:
            return None
        inputs = [p.data for p in node.parents]
        try:
            value = m.rule(node.data, inputs, position, fn.param)
        except (ArithmeticError, ValueError):
            return None
        return None if value is None or not math.isfinite(value) else float(value)

    def wrongs(self) -> List[Wrong]:
        """Every wrong pass to try: each misconception at each place it applies, then everywhere at once.

        >>> [(w.misconception, w.sites) for w in GraphPass(Value(2.0) ** 3).wrongs()]
        [('sign', ()), ('no-upstream', (0,)), ('power-rule', (0,))]
        """
        out: List[Wrong] = [Wrong("sign", seed=-1.0)]
        edges = range(len(self.edges))
        out += [Wrong("no-upstream", (k,), raw=frozenset([k])) for k in edges]
        if len(self.edges) > 1:
            out.append(Wrong("no-upstream", tuple(edges), raw=frozenset(edges)))
        shared = [(j, ks) for j, ks in self.uses.items() if len(ks) > 1]
        for _, ks in shared:
            for keep in ks:
                dropped = tuple(k for k in ks if k != keep)
                out.append(Wrong("no-accumulate", dropped, drop=frozenset(dropped)))
        if shared:  # = for +=: the last use overwrites the others, or the first one stays
            lost_first = tuple(sorted(k for _, ks in shared for k in ks[:-1]))
            out.append(Wrong("no-accumulate", lost_first, assign="last"))
            out.append(Wrong("no-accumulate", tuple(sorted(k for _, ks in shared for k in ks[1:])), assign="first"))
        for name, m in MISCONCEPTIONS.items():
            if m.rule is None:
                continue
            wrong = {k: v for k in edges if (v := self.wrong_local(k, name)) is not None}
            out += [Wrong(name, (k,), local={k: v}) for k, v in wrong.items()]
            if len(wrong) > 1:
                out.append(Wrong(name, tuple(wrong), local=wrong))
        return out

    def everywhere(self, name: str) -> Wrong:
        """Misconception ``name`` applied at every place it can apply (the right pass where it cannot).

        >>> x = Value(2.0)
        >>> g = GraphPass(x / (x + 1))
        >>> g.run(g.everywhere("quotient-sign"))[-1] > g.right[-1]      # dL/dx with the + sign
        True
        """
        if name not in MISCONCEPTIONS:
            raise ValueError(f"unknown misconception {name!r}; the catalogue has {', '.join(MISCONCEPTIONS)}")
        if name == "sign":
            return Wrong(name, seed=-1.0)
        edges = range(len(self.edges))
        if name == "no-upstream":
            return Wrong(name, tuple(edges), raw=frozenset(edges))
        if name == "no-accumulate":
            sites = tuple(sorted(k for ks in self.uses.values() if len(ks) > 1 for k in ks[:-1]))
            return Wrong(name, sites, assign="last")
        wrong = {k: v for k in edges if (v := self.wrong_local(k, name)) is not None}
        return Wrong(name, tuple(wrong), local=wrong)

    def first_site(self, wrong: Wrong, node: int) -> Optional[int]:
        """The first edge (in the pass's order) where ``wrong`` changes the chain down to ``node``.

        >>> x, y = Value(2.0, label="x"), Value(5.0, label="y")
        >>> g = GraphPass(x * y)
        >>> g.first_site(g.everywhere("product-swap"), g.index[y]), g.edges[1]   # the edge L -> y
        (1, (0, 2, 1))
        """
        for k in wrong.sites:
            if node in self.below[self.edges[k][1]]:
                return k
        return None
