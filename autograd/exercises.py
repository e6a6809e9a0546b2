"""Chain-rule exercises that say what went wrong, not just that it did.

An :class:`Exercise` is an expression in the command line's grammar with a value
for each variable. The student works out the gradient of the result ``L`` with
respect to each variable (and, on a worksheet, of each intermediate node ``h1``,
``h2``, ...); :meth:`Exercise.check` compares, and for each wrong number re-runs
the backward pass with every wrong rule of the :data:`MISCONCEPTIONS` catalogue
to find the one that gives it, and the first edge where the chain goes wrong.

>>> ex = Exercise.from_expression("tanh(x*w + b)", x=2, w=-3, b=6.88)
>>> {name: round(g, 4) for name, g in ex.answers().items()}
{'x': -1.5029, 'w': 1.0019, 'b': 0.501}
>>> fb = ex.check({"x": -1.5029, "w": -1.5029, "b": 0.501})
>>> fb.correct, fb.results["w"].correct, fb.results["w"].misconception, str(fb.edge)
(False, False, 'product-swap', '∂h1/∂w')
>>> print(fb)
2 of 3 right.
dL/dx = -1.503 is right.
dL/dw = -1.503 is not right: it is 1.002. It is what you get when you take ∂(a·b)/∂a as a instead of b
(product-swap). The derivative of a product with respect to one factor is the other factor.
dL/db = 0.501 is right.
Your chain first goes wrong at ∂h1/∂w, the local derivative of h1 with respect to w, which is x = 2.0.
"""

from __future__ import annotations

import math
import random
from typing import Any, Dict, List, Mapping, Optional, Tuple

from . import notation
from .expr import evaluate
from .feedback import ATOL, RTOL, Edge, Feedback, Result, close
from .misconceptions import MISCONCEPTIONS, PRIORITY, GraphPass, Misconception, Wrong
from .value import Value

__all__ = ["Exercise", "Feedback", "Result", "Edge", "make_exercise", "MISCONCEPTIONS", "Misconception",
           "RTOL", "ATOL", "close"]


class Exercise:
    """An expression and a value for each of its variables: find every dL/dvariable.

    A subexpression written twice is one node used twice (as it would be drawn
    by hand). Every computed node gets a name: the result ``L``, the others
    ``h1``, ``h2``, ... in the order a forward pass computes them; these names
    are the Values' labels, so :func:`autograd.explain` and the pictures use
    them too.

    >>> ex = Exercise.from_expression("x*y + x", x=3, y=-2)
    >>> ex.definitions
    {'h1': 'x·y', 'L': 'h1 + x'}
    >>> ex.answers(), ex.gradients()["h1"]
    ({'x': -1.0, 'y': 3.0}, 1.0)
    """

    def __init__(self, expression: str, values: Mapping[str, float], *, level: Optional[int] = None,
                 seed: Optional[int] = None) -> None:
        if not isinstance(expression, str):
            raise TypeError(f"Exercise() expression must be a str, got {type(expression).__name__}")
        if not isinstance(values, Mapping):
            raise TypeError(f"Exercise() values must be a mapping of names to numbers, got {type(values).__name__}")
        clean: Dict[str, float] = {}
        for name, v in values.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ValueError(f"Exercise(): the value of {name!r} must be a finite number, got {v!r}")
            clean[name] = float(v)
        root, leaves = evaluate(expression, clean, label_width=0, share=True)
        if not leaves:
            raise ValueError(f"Exercise(): the expression {expression!r} has no variables to differentiate by")
        if root.is_leaf:
            raise ValueError(f"Exercise(): the expression {expression!r} has no operation for the chain rule to "
                             f"go through")
        order = _forward(root)
        unused = [n for n, leaf in leaves.items() if leaf not in order]
        if unused:
            raise ValueError(f"Exercise(): {', '.join(unused)} {'is' if len(unused) == 1 else 'are'} given a value "
                             f"but not in the expression {expression!r}")
        self.expression = " ".join(expression.split())
        self.values = clean
        self.level = level
        self.seed = seed
        self.root = root
        self.nodes: Dict[str, Value] = {}
        taken = set(leaves)
        count = 0
        for node in order:
            if node.is_leaf:
                continue
            if node is root:
                node.label = "L" if "L" not in taken else "out"
            else:
                count += 1
                while f"h{count}" in taken:
                    count += 1
                node.label = f"h{count}"
        self.nodes = {n: leaves[n] for n in clean}
        self.nodes.update((node.label, node) for node in order if not node.is_leaf and node is not root)
        self.nodes[root.label] = root
        self._pass = GraphPass(root)
        self._runs: Optional[List[Tuple[Wrong, List[float]]]] = None

    @classmethod
    def from_expression(cls, expression: str, **values: float) -> Exercise:
        """An exercise on ``expression`` (the command line's grammar) at ``values``.

        >>> Exercise.from_expression("tanh(x*w + b)", x=2, w=-3, b=6.88).definitions
        {'h1': 'x·w', 'h2': 'h1 + b', 'L': 'tanh(h2)'}
        >>> Exercise.from_expression("x*y", x=2)
        Traceback (most recent call last):
        ...
        autograd.expr.ExpressionError: unknown name 'y': give its value as y=... (given: x)
        """
        return cls(expression, values)

    # --- what the exercise is -------------------------------------------------------------

    @property
    def variables(self) -> List[str]:
        """The variables' names, in the order of ``values``.

        >>> Exercise.from_expression("x*w + b", w=-3, x=2, b=1).variables
        ['w', 'x', 'b']
        """
        return list(self.values)

    @property
    def definitions(self) -> Dict[str, str]:
        """Each computed node's name and how it is made from the others, forward order.

        >>> Exercise.from_expression("(x + 1)**2", x=0.5).definitions
        {'h1': 'x + 1', 'L': 'h1²'}
        """
        return {v.label: _definition(v, self.root) for v in _forward(self.root) if not v.is_leaf}

    @property
    def ops(self) -> int:
        """How many ops the graph has (its computed nodes; a subexpression written twice counts once).

        >>> Exercise.from_expression("tanh(x*y) + (x*y)**2", x=1, y=2).ops
        4
        """
        return sum(1 for v in _forward(self.root) if not v.is_leaf)

    def task(self) -> str:
        """The task in words.

        >>> print(Exercise.from_expression("x*y + 1", x=2, y=3).task())
        L = x*y + 1, at x = 2.0 and y = 3.0. Find dL/dx and dL/dy.
        """
        at = _join([f"{n} = {notation.number(v, 6)}" for n, v in self.values.items()])
        wanted = _join([notation.total(self.root.label, n) for n in self.values])
        return f"{self.root.label} = {self.expression}, at {at}. Find {wanted}."

    def answers(self) -> Dict[str, float]:
        """The right answer for each variable: its name and dL/dvariable.

        >>> Exercise.from_expression("x*x + y", x=3, y=1).answers()
        {'x': 6.0, 'y': 1.0}
        """
        right = self._pass.right
        return {n: right[self._pass.index[self.nodes[n]]] for n in self.values}

    def gradients(self) -> Dict[str, float]:
        """dL/dnode for every named node: the variables, ``h1``, ... and ``L`` itself (1).

        >>> Exercise.from_expression("(x*y)**2", x=1, y=2).gradients()
        {'x': 8.0, 'y': 4.0, 'h1': 4.0, 'L': 1.0}
        """
        right = self._pass.right
        return {n: right[self._pass.index[v]] for n, v in self.nodes.items()}

    def mistaken(self, misconception: str) -> Dict[str, float]:
        """The gradients a student gets by making ``misconception`` everywhere it applies.

        >>> Exercise.from_expression("x**3", x=2).mistaken("power-rule")
        {'x': 24.0, 'L': 1.0}
        """
        grads = self._pass.run(self._pass.everywhere(misconception))
        return {n: grads[self._pass.index[v]] for n, v in self.nodes.items()}

    # --- checking --------------------------------------------------------------------------

    def check(self, answers: Mapping[str, Any]) -> Feedback:
        """Compare ``answers`` (name -> number; every variable, any computed node) with
        the right gradients and diagnose each wrong one.

        Answers within 1e-3 relative (or 1e-6 absolute) are right. A variable left out
        is reported as missing; a name that is not in the exercise, or an answer that
        is not a number, is a ValueError naming it.

        >>> ex = Exercise.from_expression("x/y", x=3, y=2)
        >>> print(ex.check({"x": 0.5, "y": 0.75}))
        1 of 2 right.
        dL/dx = 0.5 is right.
        dL/dy = 0.75 is not right: it is -0.75. It is what you get when you take ∂(a/b)/∂b as +a/b² instead of
        −a/b² (quotient-sign), or when you lose or gain a minus sign, so the answer is the negative of the right one
        (sign) (on this exercise these 2 slips give the same number). ∂(a/b)/∂b = −a/b²: a bigger denominator makes
        the quotient smaller. Keep every minus sign: a local derivative can be negative.
        Your chain first goes wrong at ∂L/∂y, the local derivative of L with respect to y, which is −x/y² = -0.75.
        """
        if not isinstance(answers, Mapping):
            raise TypeError(f"Exercise.check() needs a dict of names to numbers, got {type(answers).__name__}")
        given: Dict[str, float] = {}
        for name, v in answers.items():
            if name not in self.nodes:
                raise ValueError(f"Exercise.check(): unknown name {name!r}; this exercise's names are "
                                 f"{', '.join(self.nodes)}")
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ValueError(f"Exercise.check(): the answer for {name!r} must be a finite number, got {v!r}")
            given[name] = float(v)
        gp = self._pass
        wanted = list(self.values) + [n for n in self.nodes if n in given and n not in self.values]
        results: Dict[str, Result] = {}
        for name in wanted:
            i = gp.index[self.nodes[name]]
            expected = gp.right[i]
            if name not in given:
                results[name] = Result(name, None, expected, False, missing=True, of=self.root.label)
            elif close(given[name], expected):
                results[name] = Result(name, given[name], expected, True, of=self.root.label)
            else:
                results[name] = self._diagnose(name, i, given, expected)
        edges = [r.edge for r in results.values() if r.edge is not None]
        first = min(edges, key=lambda e: e.index) if edges else None
        return Feedback(all(r.correct for r in results.values()), results, first, self.expression)

    def _diagnose(self, name: str, i: int, given: Dict[str, float], expected: float) -> Result:
        gp = self._pass
        if self._runs is None:
            self._runs = [(w, gp.run(w)) for w in gp.wrongs()]
        value = given[name]
        others = [(gp.index[self.nodes[n]], v) for n, v in given.items()]
        found = set()
        best: Tuple[int, int] = (-1, 0)  # (how many of the student's numbers the wrong pass explains, -site)
        site: Optional[int] = None
        slip: Optional[str] = None
        for wrong, grads in self._runs:
            if close(value, grads[i]) and not close(grads[i], expected):
                found.add(wrong.misconception)
                k = gp.first_site(wrong, i)
                if k is not None:
                    # the wrong pass that reproduces most of the student's numbers locates the slip
                    score = (sum(close(v, grads[j]) for j, v in others), -k)
                    if score > best:
                        best, site, slip = score, k, wrong.misconception
        names = tuple(m for m in PRIORITY if m in found)
        if not names:
            site = self._blame(i, given)
        return Result(name, value, expected, False, of=self.root.label, misconceptions=names,
                      edge=self._edge(site, slip) if site is not None else None)

    def _blame(self, i: int, given: Dict[str, float]) -> Optional[int]:
        """The edge into node ``i`` when it is its only use and the node above it is right."""
        gp = self._pass
        uses = gp.uses.get(i, [])
        if len(uses) != 1:
            return None
        above = gp.edges[uses[0]][0]
        name = gp.nodes[above].label
        if above == 0 or (name in given and close(given[name], gp.right[above])):
            return uses[0]
        return None

    def _edge(self, k: int, misconception: Optional[str] = None) -> Edge:
        i, j, position = self._pass.edges[k]
        node, parent = self._pass.nodes[i], self._pass.nodes[j]
        rule = notation.formula(node, position, root=self.root)
        return Edge(node.label, parent.label, position, self._pass.locals[k], rule, self._pass.right[i], k,
                    misconception, self.root.label)

    def __repr__(self) -> str:
        at = ", ".join(f"{n}={notation.number(v, 6)}" for n, v in self.values.items())
        return f"Exercise({self.expression!r}, {at})"


def _forward(root: Value) -> List[Value]:
    from .engine import topological_order

    return [v for v in topological_order(root) if not v.is_constant]


def _definition(v: Value, root: Value) -> str:
    """How ``v`` is made, in the shared notation: ``x·w``, ``h1 + b``, ``tanh(h2)``."""
    return notation.definition(v, root=root).split(" = ")[1]


def _join(items: List[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def make_exercise(seed: int, level: int = 1) -> Exercise:
    """A random exercise: the same ``seed`` and ``level`` always give the same one.

    Level 1 uses ``+ - *``; level 2 adds tanh, exp, sigmoid, relu and ``**`` with a
    number; level 3 adds a node used twice, ``/`` and log. Graphs have 3 to 12 ops,
    values are short decimals, and every variable's gradient is a number a student
    can check (not 0, not huge).

    >>> ex = make_exercise(7, level=2)
    >>> ex == ex, make_exercise(7, level=2).expression == ex.expression, 3 <= ex.ops <= 12
    (True, True, True)
    """
    from ._generate import generate

    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"make_exercise() seed must be an int, got {type(seed).__name__}: {seed!r}")
    if isinstance(level, bool) or level not in (1, 2, 3):
        raise ValueError(f"make_exercise() level must be 1, 2 or 3, got {level!r}")
    expression, values = generate(random.Random(f"chainrule-exercise-{level}-{seed}"), level, Exercise)
    return Exercise(expression, values, level=level, seed=seed)
