"""The batched engine's compile-time layout: chains of adds fused into one sum, groups read as
views. Every node's value for every row must be the plain engine's float, bit for bit, whatever
shape the sums have (Python's left fold, ``autograd.sum``, nested either way, shared, reused);
gradients are the plain engine's, summed over the batch (up to rounding), and torch's."""

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

np = pytest.importorskip("numpy")

import autograd  # noqa: E402
from autograd import Value, compile_batched  # noqa: E402

# Ops whose NumPy and float rules are both correctly rounded (no tanh: NumPy's and libm's may
# differ in the last bit), so that every node can be held to plain's float exactly.
KINDS = ["add", "radd", "sum", "mul", "sub", "relu", "hypot", "addc", "leaf"]


def build(recipe, xs, ws):
    """Run ``recipe`` (steps ``(kind, args)`` over the pool ``xs + ws + results``); every node made."""
    pool = list(xs) + list(ws)
    for kind, args in recipe:
        a = [pool[i % len(pool)] for i in args]
        if kind == "add":
            out = a[0] + a[1]
        elif kind == "radd":  # the chain on the right: x + (y + z)
            out = a[0] + (a[1] + a[2])
        elif kind == "sum":
            out = autograd.sum(a)
        elif kind == "mul":
            out = a[0] * a[1]
        elif kind == "sub":
            out = a[0] - a[1]
        elif kind == "relu":
            out = a[0].relu()
        elif kind == "hypot":
            out = (a[0] * a[0] + 1.0).sqrt()
        elif kind == "addc":
            out = 0.5 + a[0] + 0.25
        else:  # a Python left fold, as a neuron's weighted sum: sum(terms, first)
            out = sum((t * 0.5 for t in a[1:]), a[0])
        pool.append(out)
    return pool


@st.composite
def recipes(draw):
    n_x, n_w = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    steps = []
    for _ in range(draw(st.integers(1, 14))):
        kind = draw(st.sampled_from(KINDS))
        width = {"add": 2, "radd": 3, "sum": draw(st.integers(1, 5)), "mul": 2, "sub": 2, "relu": 1, "hypot": 1,
                 "addc": 1, "leaf": draw(st.integers(2, 6))}[kind]
        steps.append((kind, [draw(st.integers(0, 60)) for _ in range(width)]))
    return n_x, n_w, steps


def plain_rows(recipe, n_x, weights, rows):
    """Per row: every node's value and the leaves' gradients, by the plain engine."""
    values, grads = [], np.zeros(len(weights))
    for row in rows:
        xs = [Value(v) for v in row]
        ws = [Value(w) for w in weights]
        pool = build(recipe, xs, ws)
        pool[-1].backward()
        values.append([v.data for v in pool])
        grads += [w.grad for w in ws]
    return np.array(values), grads


def same_floats(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


@settings(max_examples=60, deadline=None)
@given(recipes(), st.integers(0, 10_000))
def test_every_node_is_plains_float_and_gradients_are_plains_sums(recipe_spec, seed):
    n_x, n_w, recipe = recipe_spec
    rng = random.Random(seed)
    weights = [rng.uniform(-1.5, 1.5) for _ in range(n_w)]
    rows = [[rng.uniform(-2, 2) for _ in range(n_x)] for _ in range(1 + seed % 5)]  # one row too
    xs, ws = [Value(0.0) for _ in range(n_x)], [Value(w) for w in weights]
    pool = build(recipe, xs, ws)
    used = [i for i, x in enumerate(xs) if _reaches(pool[-1], x)]
    tape = compile_batched(pool[-1], [xs[i] for i in used])
    tape.forward([[row[i] for i in used] for row in rows])
    expected, want = plain_rows(recipe, n_x, weights, rows)
    for i, node in enumerate(pool):
        if node in xs:
            continue
        if node in ws and node not in tape.shared:
            continue  # a weight the root does not depend on is not part of the graph
        if i >= n_x + n_w and node is not pool[-1] and not _reaches(pool[-1], node):
            continue
        assert same_floats(tape.value(node), expected[:, i]), (recipe, i)
    got = tape.gradients()
    grads = dict(zip(tape.shared, got.tolist()))
    for w, g in zip(ws, want):
        if w in grads:
            assert math.isclose(grads[w], g, rel_tol=1e-12, abs_tol=1e-12) or (math.isnan(g) and math.isnan(grads[w]))


def _reaches(root, node):
    seen, stack = set(), [root]
    while stack:
        v = stack.pop()
        if v is node:
            return True
        if id(v) not in seen:
            seen.add(id(v))
            stack.extend(v.parents)
    return False


def fold(terms):
    return sum(terms[1:], terms[0])


#: Each shape's sum on floats, as the plain engine adds it.
PLAIN = {"left fold": fold, "n-ary": lambda ts: sum(ts, -0.0),
         "right nested": lambda ts: ts[0] + ((ts[1] + ts[2]) + ((ts[3] + ts[4]) + ts[5])),
         "chain second": lambda ts: ts[3] + (ts[0] + ts[1] + ts[2]) + ts[4] + ts[5],
         "fold into n-ary": lambda ts: sum([ts[0] + ts[1], *ts[2:]], -0.0)}


@pytest.mark.parametrize("shape", ["left fold", "n-ary", "right nested", "chain second", "fold into n-ary"])
def test_sum_shapes_are_fused_and_keep_plains_floats(shape):
    rng = random.Random(3)
    x = [Value(0.0) for _ in range(6)]
    w = [Value(rng.uniform(-1, 1) * 10 ** rng.randint(-8, 8)) for _ in range(6)]
    terms = [wi * xi for wi, xi in zip(w, x)]
    if shape == "left fold":
        inner = terms[0] + terms[1] + terms[2]
        out = inner + terms[3] + terms[4] + terms[5]
    elif shape == "n-ary":
        inner = None
        out = autograd.sum(terms)
    elif shape == "right nested":  # not a left fold: only the inner adds that are one are fused
        inner = terms[1] + terms[2]
        out = terms[0] + (inner + (terms[3] + terms[4] + terms[5]))
    elif shape == "chain second":  # c + chain: the chain is moved first (a + b == b + a)
        inner = terms[0] + terms[1] + terms[2]
        out = terms[3] + inner + terms[4] + terms[5]
    else:
        inner = terms[0] + terms[1]
        out = autograd.sum([inner, terms[2], terms[3], terms[4], terms[5]])
    root = out.tanh()
    tape = compile_batched(root, x)
    rows = [[rng.uniform(-1, 1) * 10 ** rng.randint(-8, 8) for _ in range(6)] for _ in range(7)]
    got = tape.forward(rows)
    for r, row in enumerate(rows):
        for xi, v in zip(x, row):
            xi.data = v
        # the same expression rebuilt on this row's numbers, by the plain engine
        ts = [wi.data * v for wi, v in zip(w, row)]
        want = PLAIN[shape](ts)
        assert math.isclose(got[r], math.tanh(want), rel_tol=1e-15, abs_tol=1e-300)
        assert tape.value(out)[r] == want
        if inner is not None:
            partial = {"left fold": ts[0] + ts[1] + ts[2], "right nested": ts[1] + ts[2],
                       "chain second": ts[0] + ts[1] + ts[2], "fold into n-ary": ts[0] + ts[1]}[shape]
            assert tape.value(inner)[r] == partial  # a fused inner add still has its value
    sums = [g for g in tape._layout.groups if g.op is None]
    if shape in ("left fold", "n-ary", "chain second", "fold into n-ary"):
        assert len(sums) == 1 and len(sums[0].columns) == 6  # one sum of six terms, one level


def test_an_add_read_twice_is_not_fused():
    x, w = Value(0.0), Value(2.0)
    a = w * x + 1.0
    b = a + x          # a is read here ...
    root = b * a       # ... and here: a keeps its own row
    tape = compile_batched(root, [x])
    tape.forward([[3.0], [-1.5]])
    assert tape.value(a).tolist() == [7.0, -2.0] and tape.value(b).tolist() == [10.0, -3.5]
    assert a in tape._layout.row and not tape._layout.fused
    assert tape.gradients().tolist() == [3 * (7 + 10) + -1.5 * (-2.0 - 3.5)]  # d(b a)/dw = x (a + b)


def test_nan_in_a_fused_sum_comes_out_nan():
    x = [Value(0.0) for _ in range(4)]
    w = [Value(1.0) for _ in range(4)]
    root = sum((wi * xi for wi, xi in zip(w, x)), Value(0.5)).relu()
    tape = compile_batched(root, x)
    out = tape.forward([[1.0, math.nan, 2.0, 3.0], [1.0, 1.0, 1.0, 1.0]])
    assert math.isnan(out[0]) and out[1] == 4.5
    grads = tape.gradients()
    assert all(math.isnan(g) for g in grads[:4]) or any(math.isnan(g) for g in grads)


def test_a_layer_reads_its_inputs_as_views_and_fan_in_adds_no_groups():
    """An MLP's tape has a fixed number of groups, whatever the fan-in: one mul, one sum and
    one activation group per layer (a chain of adds fused), and its reads are views."""
    from nn import MLP

    counts = []
    for width in (4, 16, 40):
        model = MLP(3, [width, width, 1], seed=0)
        x = [Value(0.0) for _ in range(3)]
        tape = compile_batched(model(x), x)
        counts.append(len(tape._layout.groups))
        kinds = {c.kind for g in tape._layout.groups for c in g.columns}
        assert "take" not in kinds, kinds  # every read is a slice, a tile or one row: no gather
    assert counts == [counts[0]] * 3 == [3 * 3 - 1] * 3  # the last layer is linear


def test_irregular_reads_with_repeats_add_every_contribution():
    """A group whose input rows are irregular and repeated (gathered, then added back by runs)."""
    x, y = Value(0.0), Value(0.0)
    w = [Value(float(i + 1)) for i in range(5)]
    picks = [w[3], w[0], w[3], w[1], w[0], w[4]]          # irregular, w0 and w3 twice
    other = [x, y, y, x, x, y]
    root = autograd.sum([(p * o).tanh() for p, o in zip(picks, other)])
    tape = compile_batched(root, [x, y])
    rows = [[0.3, -0.2], [0.1, 0.4], [-0.5, 0.25]]
    got = tape.forward(rows)
    grads = dict(zip(tape.shared, tape.gradients().tolist()))
    want = [0.0] * 5
    for r, (a, b) in enumerate(rows):
        xs = {id(x): a, id(y): b}
        assert got[r] == sum([math.tanh(p.data * xs[id(o)]) for p, o in zip(picks, other)], -0.0)
        for p, o in zip(picks, other):
            t = math.tanh(p.data * xs[id(o)])
            want[w.index(p)] += (1 - t * t) * xs[id(o)]
    for i, wi in enumerate(w):
        if wi in grads:
            assert math.isclose(grads[wi], want[i], rel_tol=1e-12, abs_tol=1e-15)
        else:
            assert i == 2  # w2 is not in the graph


def test_inputs_must_be_distinct():
    x = Value(0.0)
    with pytest.raises(ValueError, match="same leaf twice"):
        compile_batched(x * 2, [x, x])


def test_gradients_leaves_grad_alone_and_backward_adds():
    x, w = Value(0.0), Value(3.0)
    tape = compile_batched((w * x).tanh(), [x])
    tape.forward([[0.5], [-1.0]])
    g = tape.gradients(weights=[1.0, 2.0])
    assert w.grad == 0.0
    want = 0.5 * (1 - math.tanh(1.5) ** 2) + 2.0 * -1.0 * (1 - math.tanh(-3.0) ** 2)
    assert math.isclose(g[0], want, rel_tol=1e-13)
    tape.backward(weights=[1.0, 2.0])
    tape.backward(weights=[1.0, 2.0])
    assert math.isclose(w.grad, 2 * want, rel_tol=1e-13)


@pytest.mark.parametrize("rows", [1, 2, 7])
@pytest.mark.parametrize("sizes", [[5, 1], [3, 4, 2], [1, 1], [12, 10, 1]])  # fan-in 12: pairwise would differ
def test_a_layers_staged_sum_is_plains_float(rows, sizes):
    """A layer's weighted sums (bias first, then the products) are added from staging rows in one
    reduction, or term by term for a single row: either way plain's floats, node by node."""
    from autograd.engine import topological_order
    from nn import MLP

    rng = random.Random(rows * 10 + len(sizes))
    model = MLP(3, sizes, seed=rows)  # relu, then linear: every op exact in both engines

    def graph(xs):
        outs = model(xs)
        return autograd.sum(outs if isinstance(outs, list) else [outs])

    x = [Value(0.0) for _ in range(3)]
    traced = topological_order(graph(x))
    tape = compile_batched(traced[-1], x)
    assert any(g.stage is not None for g in tape._layout.groups)
    data = [[rng.uniform(-1, 1) * 10 ** rng.randint(-3, 3) for _ in range(3)] for _ in range(rows)]
    tape.forward(data)
    for r, row in enumerate(data):
        plain = topological_order(graph([Value(v) for v in row]))  # the same graph, on this row's numbers
        assert len(plain) == len(traced)
        for node, want in zip(traced, plain):
            if node not in x:
                assert tape.value(node)[r] == want.data, (node.op, node.label)
