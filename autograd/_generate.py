"""Random exercises for :func:`autograd.exercises.make_exercise`.

A small expression tree is grown from a pool of variables (combine two, or
apply a function, or mix in a number) until one tree is left, written out in
the command line's grammar, then parsed like any other exercise and kept only
if a student can work it by hand: every value and gradient of a sensible size,
no kinks or singular points, and the level's ops present. Every draw comes from
the ``random.Random`` passed in, so a seed always gives the same exercise.
"""

from __future__ import annotations

import math
import random
from typing import Any, Callable, Dict, List, Tuple

from .expr import ExpressionError

#: ("var", name) | ("num", text) | ("call", function, tree) | ("pow", n, tree) | ("bin", op, tree, tree)
Tree = Tuple[Any, ...]

NAMES = ("x", "y", "w", "b", "z", "u")
BINARY = {1: ("+", "-", "*"), 2: ("+", "-", "*"), 3: ("+", "-", "*", "/")}
FUNCTIONS = {1: (), 2: ("tanh", "exp", "sigmoid", "relu", "**"), 3: ("tanh", "exp", "sigmoid", "relu", "**", "log")}
OPS = {1: (3, 5), 2: (4, 7), 3: (6, 12)}
LEVEL_OPS = {2: {"tanh", "exp", "sigmoid", "relu", "pow"}, 3: {"div", "log"}}
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2}


def generate(rng: random.Random, level: int, make: Callable[..., Any]) -> Tuple[str, Dict[str, float]]:
    """An expression and values for ``level``, the first acceptable draw from ``rng``;
    ``make(text, values, level=level)`` builds the exercise to judge (the ``Exercise``
    class, handed in so that this module and :mod:`autograd.exercises` do not import
    each other).

    >>> from autograd.exercises import Exercise
    >>> generate(random.Random(0), 1, Exercise)  # doctest: +ELLIPSIS
    ('...', {...})
    """
    for _ in range(10_000):
        tree, names = _grow(rng, level)
        text = _text(tree)
        values = {n: _value(rng, level) for n in names}
        if not _sensible(tree, values):  # a quick look with floats saves parsing most bad draws
            continue
        try:
            ex = make(text, values, level=level)
        except (ExpressionError, ArithmeticError, ValueError):
            continue
        if acceptable(ex, level):
            return ex.expression, values
    raise RuntimeError(f"no acceptable level-{level} exercise in 10000 draws")  # pragma: no cover


def _value(rng: random.Random, level: int) -> float:
    if level == 1:
        return float(rng.choice((-4, -3, -2, -1, 1, 2, 3, 4)))
    while True:
        v = round(rng.uniform(-2.0, 2.0), 1)
        if abs(v) >= 0.2:
            return v


def _grow(rng: random.Random, level: int) -> Tuple[Tree, List[str]]:
    names = sorted(rng.sample(NAMES, rng.choice((2, 3) if level < 3 else (3, 3, 4))), key=NAMES.index)
    pool: List[Tree] = [("var", n) for n in names]
    rng.shuffle(pool)
    low, high = OPS[level]
    target = rng.randint(max(low, len(pool)), high)
    ops = 0
    forked = False
    numbers = [0]  # how many ops with a number so far (at most two: exercises are about variables)
    # Once one tree is left, stop as soon as it is big enough: more ops on top of it would only
    # wrap it in functions or numbers (tanh(exp(tanh(...))) is no better an exercise).
    enough = target if level == 1 else low
    while len(pool) > 1 or ops < enough:
        need = len(pool) - 1  # binary ops still needed to join the pool into one tree
        if level == 3 and not forked and ops >= 1 and ops + need + 2 <= target and rng.random() < 0.6:
            # a node used twice: keep it in the pool and add something made from it
            inner = [t for t in pool if t[0] != "var" and len(_text(t)) <= 7]  # share something short
            if inner:
                shared = rng.choice(inner)
                pool.append(_unary(rng, level, shared, numbers))
                forked = True
                ops += 1
                continue
        if len(pool) > 1 and (ops + need >= target or rng.random() < 0.55):
            a = pool.pop(rng.randrange(len(pool)))
            b = pool.pop(rng.randrange(len(pool)))
            pool.append(("bin", rng.choice(BINARY[level]), a, b))
        else:
            i = rng.randrange(len(pool))
            pool[i] = _unary(rng, level, pool[i], numbers)
        ops += 1
    return pool[0], names


def _unary(rng: random.Random, level: int, t: Tree, numbers: List[int]) -> Tree:
    """One op on ``t``: a function, a power, or ``t`` with a number."""
    functions = FUNCTIONS[level]
    with_number = numbers[0] < (3 if level == 1 else 2) and not (t[0] == "bin" and "num" in (t[2][0], t[3][0]))
    depth = _depth(t)
    allowed = [f for f in functions if depth == 0 or (depth == 1 and t[0] == "bin")]  # at most f(2*g(...))
    if allowed and (not with_number or rng.random() < 0.7):
        f = rng.choice(allowed)
        if f == "**":
            return ("pow", rng.choice(("2", "2", "3")), t)
        return ("call", f, t)
    if functions and not with_number:  # no numbers left to mix in: a function after all, not the same one twice
        f = rng.choice([f for f in functions if f != t[1] and not (f == "**" and t[0] == "pow")])
        return ("pow", "2", t) if f == "**" else ("call", f, t)
    numbers[0] += 1
    op = rng.choice(BINARY[level] if level == 3 else ("+", "-", "*"))
    number = ("num", rng.choice(("2", "3", "0.5") if op == "*" else ("2",) if op == "/" else ("1", "2", "3")))
    return ("bin", op, t, number) if rng.random() < 0.6 or op == "/" else ("bin", op, number, t)


def _depth(t: Tree) -> int:
    """How many functions are wrapped around each other at the top of ``t`` (numbers mixed in or not)."""
    depth = 0
    while True:
        if t[0] in ("call", "pow"):
            depth += 1
            t = t[2]
        elif t[0] == "bin" and "num" in (t[2][0], t[3][0]):  # 2*tanh(x) is still a tower of functions
            t = t[3] if t[2][0] == "num" else t[2]
        else:
            return depth


_F = {"tanh": math.tanh, "exp": math.exp, "log": math.log, "relu": lambda x: max(x, 0.0),
      "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x))}


def _sensible(t: Tree, values: Dict[str, float]) -> bool:
    """Whether every value of ``t`` stays where :func:`acceptable` wants it (its gradients aside)."""
    def value(t: Tree) -> float:
        kind = t[0]
        if kind == "var":
            return values[t[1]]
        if kind == "num":
            return float(t[1])
        x = value(t[2])
        if kind == "pow":
            out = x ** int(t[1])
        elif kind == "call":
            f = t[1]
            if ((f == "tanh" and abs(x) > 3) or (f == "sigmoid" and abs(x) > 5) or (f == "exp" and x > 3)
                    or (f == "relu" and abs(x) < 0.1) or (f == "log" and x < 0.1)):
                raise ArithmeticError
            out = _F[f](x)
        else:
            y = value(t[3])
            if t[1] == "/" and abs(y) < 0.2:
                raise ArithmeticError
            out = x + y if t[1] == "+" else x - y if t[1] == "-" else x * y if t[1] == "*" else x / y
        if abs(out) > 50:
            raise ArithmeticError
        return out

    try:
        value(t)
    except ArithmeticError:
        return False
    return True


def _text(t: Tree) -> str:
    return _render(t)[0]


def _render(t: Tree) -> Tuple[str, int]:
    kind = t[0]
    if kind in ("var", "num"):
        return t[1], 5
    if kind == "call":
        return f"{t[1]}({_render(t[2])[0]})", 5
    if kind == "pow":
        base, prec = _render(t[2])
        return (base if prec >= 5 else f"({base})") + f"**{t[1]}", 4
    op = t[1]
    p = _PREC[op]
    left, lp = _render(t[2])
    right, rp = _render(t[3])
    left = left if lp >= p else f"({left})"
    right = right if rp > p else f"({right})"  # a + (b + c) keeps its brackets: the tree stays as grown
    return (f"{left} {op} {right}" if p == 1 else f"{left}*{right}" if op == "*" else f"{left}/{right}"), p


def acceptable(ex: Any, level: int) -> bool:
    """Whether an exercise (an :class:`~autograd.exercises.Exercise`) is one a student
    can work by hand at ``level``."""
    low, high = OPS[level]
    if not low <= ex.ops <= high:
        return False
    seen = set()
    uses: Dict[object, int] = {}
    for v in ex.nodes.values():
        if abs(v.data) > 50:
            return False
        for p in v.parents:
            uses[p] = uses.get(p, 0) + 1
        op = v.op
        seen.add(op)
        x = v.parents[0].data if v.parents else 0.0
        if ((op == "tanh" and abs(x) > 3) or (op == "sigmoid" and abs(x) > 5) or (op == "exp" and x > 3)
                or (op == "relu" and abs(x) < 0.1) or (op == "log" and x < 0.1)
                or (op == "div" and abs(v.parents[1].data) < 0.2)):
            return False
    if level >= 2 and not seen & LEVEL_OPS[2]:
        return False
    if level == 3:
        shared = any(n > 1 for v, n in uses.items() if isinstance(v, object) and not getattr(v, "is_leaf", True))
        if not shared or not seen & LEVEL_OPS[3]:
            return False
    grads = ex.gradients()
    for g in grads.values():
        if not math.isfinite(g) or abs(g) > 500:
            return False
    return all(0.01 <= abs(grads[n]) <= 200 for n in ex.values)
