"""The op table and the PyTorch float64 references the autograd tests compare against.

As in tinygrad's op tests there is ONE table, :data:`ROWS`: one row per op with its name, how
chainrule computes it, how PyTorch computes it and a safe input domain. The value, first-derivative,
higher-order and gradcheck tests are all driven by it, so a new op is one new row.

(The module has a distinctive name because pytest puts every test folder on ``sys.path``: a plain
``helpers.py`` here would shadow one in ``tests/nn``. For the same reason there is no conftest.py
here: under ``--doctest-modules`` it would clash with ``tests/conftest.py``.)
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from typing import Any, Callable, List, Sequence, Tuple

import pytest

torch = pytest.importorskip("torch")  # also when pytest --doctest-modules imports this file
torch.set_num_threads(1)  # scalars gain nothing from threads, and the suite runs on small machines

import torch.nn.functional as F  # noqa: E402

import autograd  # noqa: E402
from autograd import Value, grad  # noqa: E402

Point = Tuple[float, ...]

#: Values are compared this tightly (the same formula in two libraries: a few ulps apart at most).
VALUE_REL = 1e-12
#: Derivatives of every order, and anything built from several ops.
GRAD_REL = 1e-9
#: Absolute slack for results that are (nearly) zero, where a relative tolerance means nothing.
ABS_TOL = 1e-12


@dataclass(frozen=True)
class OpRow:
    """One op: ``ours`` on Values and ``ref`` on float64 tensors compute the same function.

    ``domain`` gives a (low, high) interval per argument where the op is smooth and finite.
    ``kinks`` are extra points where the derivative is a convention (PyTorch's): every test,
    every order, runs there too. ``edges`` are singular points (a derivative is inf or nan
    there, as in PyTorch): only the value and the first derivative are compared.
    """

    name: str
    ours: Callable[..., Any]
    ref: Callable[..., Any]
    domain: Tuple[Tuple[float, float], ...]
    kinks: Tuple[Point, ...] = ()
    edges: Tuple[Point, ...] = ()

    @property
    def arity(self) -> int:
        return len(self.domain)

    def points(self, n: int = 40) -> List[Point]:
        """About ``n`` points: an even grid over the domain (ends included), as many random points
        (seeded by the row's name, so every run sees the same ones), and the kinks."""
        per_axis = max(2, round((n / 2) ** (1 / self.arity)))
        axes = [[lo + (hi - lo) * k / (per_axis - 1) for k in range(per_axis)] for lo, hi in self.domain]
        rng = random.Random(self.name)
        scattered = [tuple(rng.uniform(lo, hi) for lo, hi in self.domain) for _ in range(n // 2)]
        return list(itertools.product(*axes)) + scattered + list(self.kinks)

    def __repr__(self) -> str:  # shows up in pytest ids and messages
        return self.name


def _row(name: str, ours: Callable[..., Any], ref: Callable[..., Any], *domain: Tuple[float, float],
         kinks: Sequence[Point] = (), edges: Sequence[Point] = ()) -> OpRow:
    return OpRow(name, ours, ref, tuple(domain), tuple(kinks), tuple(edges))


def torch_softplus(x: torch.Tensor) -> torch.Tensor:
    # torch's F.softplus switches to x above threshold=20 (derivative exactly 1); the textbook
    # formula keeps the reference smooth everywhere in the domain.
    return torch.log1p(torch.exp(x))


# ---------------------------------------------------------------------------------------------
#   name            ours                              torch                       safe domain(s)
# ---------------------------------------------------------------------------------------------
ROWS: List[OpRow] = [
    # unary ops
    _row("neg", lambda x: -x, torch.neg, (-10, 10)),
    _row("exp", lambda x: x.exp(), torch.exp, (-20, 20)),
    _row("log", lambda x: x.log(), torch.log, (1e-3, 100)),
    _row("sqrt", lambda x: x.sqrt(), torch.sqrt, (1e-2, 100), edges=[(0.0,)]),
    _row("tanh", lambda x: x.tanh(), torch.tanh, (-10, 10), kinks=[(0.0,)]),
    _row("sigmoid", lambda x: x.sigmoid(), torch.sigmoid, (-30, 30), kinks=[(0.0,)]),
    _row("relu", lambda x: x.relu(), torch.relu, (-5, 5), kinks=[(0.0,)]),
    _row("leaky_relu", lambda x: x.leaky_relu(), F.leaky_relu, (-5, 5), kinks=[(0.0,)]),  # default 0.01
    _row("leaky_relu_0.2", lambda x: x.leaky_relu(0.2), lambda x: F.leaky_relu(x, 0.2), (-5, 5), kinks=[(0.0,)]),
    _row("softplus", lambda x: x.softplus(), torch_softplus, (-30, 30), kinks=[(0.0,)]),
    _row("sin", lambda x: x.sin(), torch.sin, (-10, 10), kinks=[(0.0,), (math.pi / 2,)]),
    _row("cos", lambda x: x.cos(), torch.cos, (-10, 10), kinks=[(0.0,), (math.pi,)]),
    _row("abs", lambda x: x.abs(), torch.abs, (-5, 5), kinks=[(0.0,)]),
    _row("abs_builtin", lambda x: abs(x), torch.abs, (-5, 5), kinks=[(0.0,)]),
    _row("atan", lambda x: x.atan(), torch.atan, (-10, 10), kinks=[(0.0,)]),
    _row("erf", lambda x: x.erf(), torch.erf, (-4, 4), kinks=[(0.0,)]),
    _row("gelu", lambda x: x.gelu(), F.gelu, (-6, 6), kinks=[(0.0,)]),  # exact: approximate="none"
    _row("silu", lambda x: x.silu(), F.silu, (-20, 20), kinks=[(0.0,)]),
    # binary ops between two Values
    _row("add", lambda x, y: x + y, torch.add, (-10, 10), (-10, 10)),
    _row("sub", lambda x, y: x - y, torch.sub, (-10, 10), (-10, 10)),
    _row("mul", lambda x, y: x * y, torch.mul, (-10, 10), (-10, 10), kinks=[(0.0, 0.0)]),
    _row("div", lambda x, y: x / y, torch.div, (-10, 10), (0.1, 10)),
    _row("div_negative", lambda x, y: x / y, torch.div, (-10, 10), (-10, -0.1)),
    _row("pow", lambda x, y: x ** y, torch.pow, (0.1, 5), (-3, 3),
         edges=[(0.0, 0.0), (0.0, 1.0), (0.0, 2.0), (0.0, 0.5), (2.0, 0.0), (-2.0, 3.0), (-2.0, 2.0), (-2.0, -1.0)]),
    _row("pow_exp_base", lambda x, y: x.exp() ** y, lambda x, y: torch.exp(x) ** y, (-2, 2), (-3, 3)),
    # a plain number on either side
    _row("x+2", lambda x: x + 2, lambda x: x + 2, (-10, 10)),
    _row("2+x", lambda x: 2 + x, lambda x: 2 + x, (-10, 10)),
    _row("x-3", lambda x: x - 3, lambda x: x - 3, (-10, 10)),
    _row("3-x", lambda x: 3 - x, lambda x: 3 - x, (-10, 10)),
    _row("x*2.5", lambda x: x * 2.5, lambda x: x * 2.5, (-10, 10)),
    _row("-1.5*x", lambda x: -1.5 * x, lambda x: -1.5 * x, (-10, 10)),
    _row("x/4", lambda x: x / 4, lambda x: x / 4, (-10, 10)),
    _row("4/x", lambda x: 4 / x, lambda x: 4 / x, (0.1, 10)),
    _row("-4/x", lambda x: -4 / x, lambda x: -4 / x, (-10, -0.1)),
    _row("2**x", lambda x: 2 ** x, lambda x: 2 ** x, (-10, 10), kinks=[(0.0,)]),
    _row("0.5**x", lambda x: 0.5 ** x, lambda x: 0.5 ** x, (-10, 10)),
    _row("x**2", lambda x: x ** 2, lambda x: x ** 2, (-5, 5), kinks=[(0.0,)]),
    _row("x**3", lambda x: x ** 3, lambda x: x ** 3, (-5, 5), kinks=[(0.0,)]),
    _row("x**0", lambda x: x ** 0, lambda x: x ** 0, (-5, 5), kinks=[(0.0,)]),
    _row("x**1", lambda x: x ** 1, lambda x: x ** 1, (-5, 5), kinks=[(0.0,)]),
    _row("x**-2", lambda x: x ** -2, lambda x: x ** -2, (-5, -0.2)),
    _row("x**2.5", lambda x: x ** 2.5, lambda x: x ** 2.5, (1e-2, 10), edges=[(0.0,)]),
    _row("x**0.5", lambda x: x ** 0.5, lambda x: x ** 0.5, (1e-2, 10), edges=[(0.0,)]),
    _row("x**-1", lambda x: x ** -1, lambda x: x ** -1, (0.1, 10)),
    _row("x**-1.5", lambda x: x ** -1.5, lambda x: x ** -1.5, (0.1, 10)),
    # n-ary ops: one node for any number of inputs
    _row("sum", lambda x, y, z: autograd.sum([x, y, z]), lambda x, y, z: x + y + z, (-10, 10), (-10, 10), (-10, 10)),
    _row("sum_number", lambda x, y, z: autograd.sum([x * y, 2.5, z]), lambda x, y, z: x * y + 2.5 + z,
         (-5, 5), (-5, 5), (-5, 5)),
    _row("logsumexp", lambda x, y, z: autograd.logsumexp([x, y, z]),
         lambda x, y, z: torch.logsumexp(torch.stack([x, y, z]), 0), (-30, 30), (-30, 30), (-30, 30),
         kinks=[(0.0, 0.0, 0.0), (2.0, 2.0, -1.0)], edges=[(1000.0, 0.0, -1000.0), (-800.0, -800.0, -801.0)]),
    _row("softmax3[0]", lambda x, y, z: autograd.softmax([x, y, z])[0],
         lambda x, y, z: torch.softmax(torch.stack([x, y, z]), 0)[0], (-20, 20), (-20, 20), (-20, 20),
         kinks=[(0.0, 0.0, 0.0)], edges=[(1000.0, 0.0, -1000.0)]),
    _row("softmax3[2]", lambda x, y, z: autograd.softmax([x, y, z])[2],
         lambda x, y, z: torch.softmax(torch.stack([x, y, z]), 0)[2], (-20, 20), (-20, 20), (-20, 20),
         kinks=[(1.0, 1.0, 1.0)]),
    _row("softmax3 weighted",
         lambda x, y, z: autograd.sum([s * (k + 1) for k, s in enumerate(autograd.softmax([x, y, z]))]),
         lambda x, y, z: (torch.softmax(torch.stack([x, y, z]), 0) * torch.tensor([1.0, 2.0, 3.0],
                                                                                 dtype=torch.float64)).sum(),
         (-10, 10), (-10, 10), (-10, 10)),
]

UNARY = [row for row in ROWS if row.arity == 1]
BINARY = [row for row in ROWS if row.arity == 2]
NARY = [row for row in ROWS if row.arity > 2]


def row_ids(rows: Sequence[OpRow]) -> List[str]:
    return [row.name for row in rows]


# --- comparing numbers ---------------------------------------------------------------------------

def close(ours: float, ref: float, rel: float = GRAD_REL, abs_tol: float = ABS_TOL) -> bool:
    """math.isclose, except that inf only matches the same inf and nan only matches nan."""
    ours, ref = float(ours), float(ref)
    if math.isnan(ref) or math.isnan(ours):
        return math.isnan(ref) and math.isnan(ours)
    if math.isinf(ref) or math.isinf(ours):
        return ours == ref
    return math.isclose(ours, ref, rel_tol=rel, abs_tol=abs_tol)


def assert_all_close(pairs: Sequence[Tuple[str, float, float]], rel: float = GRAD_REL) -> None:
    """Each (what, ours, reference) must be close; every mismatch is listed, not just the first."""
    bad = [f"{what}: ours {ours!r}, torch {ref!r}" for what, ours, ref in pairs if not close(ours, ref, rel)]
    assert not bad, f"{len(bad)} of {len(pairs)} differ:\n  " + "\n  ".join(bad[:20])


# --- PyTorch float64 references ------------------------------------------------------------------

def leaf(x: float) -> torch.Tensor:
    return torch.tensor(float(x), dtype=torch.float64, requires_grad=True)


def torch_value(f: Callable[..., Any], point: Point) -> float:
    with torch.no_grad():
        return float(f(*[torch.tensor(float(p), dtype=torch.float64) for p in point]))


def torch_gradient(f: Callable[..., Any], point: Point) -> Tuple[float, ...]:
    """Every first partial of f at point (0.0 for an input f does not use)."""
    xs = [leaf(p) for p in point]
    grads = torch.autograd.grad(f(*xs), xs, allow_unused=True)
    return tuple(0.0 if g is None else float(g) for g in grads)


def torch_derivative(f: Callable[..., Any], point: Point, path: Sequence[int]) -> float:
    """d^k f / d x[path[0]] ... d x[path[-1]] at point, by nested torch.autograd.grad(create_graph=True)."""
    xs = [leaf(p) for p in point]
    out = f(*xs)
    for i in path:
        if not out.requires_grad:  # a constant derivative: every further one is 0
            return 0.0
        (out,) = torch.autograd.grad(out, xs[i], create_graph=True, allow_unused=True)
        if out is None:
            return 0.0
    return out.item()


# --- the same derivatives, by chainrule ----------------------------------------------------------

def derivative_by_grad(f: Callable[..., Any], point: Point, path: Sequence[int]) -> float:
    """``grad(grad(...grad(f)...))`` at point: floats in, float out. With several arguments each
    level takes every partial (``argnums=(0, 1, ...)``) and keeps number ``path[k]``: grad() hands
    the arguments it does not differentiate to f as they are, and a float has no ``.sin()``."""
    every = tuple(range(len(point)))
    g = f
    for i in path:
        g = grad(g) if len(point) == 1 else _component(grad(g, argnums=every), i)
    out = g(*point)
    assert type(out) is float, f"grad() of floats gave a {type(out).__name__}"
    return out


def _component(partials: Callable[..., Tuple[Any, ...]], i: int) -> Callable[..., Any]:
    return lambda *args: partials(*args)[i]


def derivative_by_backward(f: Callable[..., Any], point: Point, path: Sequence[int]) -> float:
    """The same derivative by repeated ``backward(create_graph=True)``: each ``x.grad`` is a Value
    that is differentiated again (leaf grads are cleared in between, as one does in PyTorch)."""
    xs = [Value(p) for p in point]
    out = f(*xs)
    for i in path:
        if not isinstance(out, Value):  # a leaf the previous derivative did not reach: it is 0 from here on
            assert out == 0.0
            return 0.0
        for x in xs:
            x.grad = 0.0
        out.backward(create_graph=True)
        out = xs[i].grad
        if out != 0.0:  # an input the output depends on has a Value gradient, even if it is a constant
            assert isinstance(out, Value), f"x.grad after backward(create_graph=True) is a {type(out).__name__}"
    return float(out)


#: The two ways to take a derivative of any order: composing grad(), or repeated backward(create_graph=True).
METHODS = {"grad": derivative_by_grad, "backward": derivative_by_backward}


def assert_derivatives_match_torch(row: Any, method: str, points: Sequence[Point], paths: Sequence[Sequence[int]]
                                   ) -> None:
    """Every derivative of ``row`` along each path (input indices, outermost last) at each point,
    taken by ``method``, equals PyTorch's."""
    assert_all_close([
        (f"d{tuple(path)} {row.name} at {point}", METHODS[method](row.ours, point, path),
         torch_derivative(row.ref, point, path))
        for point in points
        for path in paths
    ])
