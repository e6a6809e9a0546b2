"""The n-ary ops (autograd.sum, softmax, logsumexp): derivatives of every order against
PyTorch float64, stability, errors, and every view of them (pictures, explain, steps, tapes)."""

import itertools
import math

import pytest

torch = pytest.importorskip("torch")

from autograd_optable import METHODS, NARY, assert_derivatives_match_torch, row_ids  # noqa: E402

import autograd  # noqa: E402
from autograd import Value, backprop_steps, compile, explain, no_grad  # noqa: E402
from autograd.steps import local_rule  # noqa: E402

#: Every partial of order 2 over three inputs, every one of order 3 along two of them, a few of order 4.
PATHS = (list(itertools.product((0, 1, 2), repeat=2)) + list(itertools.product((0, 2), repeat=3))
         + [(0, 0, 0, 0), (2, 1, 0, 2), (1, 1, 2, 2)])


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("row", NARY, ids=row_ids(NARY))
def test_nary_derivatives_up_to_fourth_order_match_torch(row, method):
    assert_derivatives_match_torch(row, method, row.points(4), PATHS)


def test_sum_is_one_node_with_every_input_and_adds_left_to_right():
    xs = [Value(v) for v in (0.1, 0.2, 0.3, 1e16, -1e16)]
    s = autograd.sum(xs)
    assert s.op == "sum" and s.parents == tuple(xs)
    assert s.data == (((0.1 + 0.2) + 0.3) + 1e16) + -1e16  # exactly the chained adds
    s.backward()
    assert [x.grad for x in xs] == [1.0] * 5


def test_sum_counts_a_repeated_input_once_per_use():
    x = Value(3.0)
    y = autograd.sum([x, x * x, x, 2])
    y.backward()
    assert (y.data, x.grad) == (17.0, 8.0)  # 1 + 2x + 1


def test_softmax_outputs_share_their_inputs_and_sum_to_one():
    xs = [Value(v) for v in (1.0, -2.0, 0.5, 3.0)]
    s = autograd.softmax(xs)
    assert len(s) == 4 and all(v.op == "softmax" for v in s)
    assert all(v._a is s[0]._a for v in s)  # one tuple of inputs: drawn as one op
    assert math.isclose(sum(v.data for v in s), 1.0, rel_tol=1e-15)
    expected = torch.softmax(torch.tensor([1.0, -2.0, 0.5, 3.0], dtype=torch.float64), 0).tolist()
    assert [v.data for v in s] == pytest.approx(expected, rel=1e-15)


def test_huge_inputs_do_not_overflow():
    big = [Value(1000.0), Value(1000.0), Value(-1000.0)]
    assert autograd.logsumexp(big).data == pytest.approx(1000.0 + math.log(2.0), rel=1e-15)
    assert [v.data for v in autograd.softmax(big)] == [0.5, 0.5, 0.0]
    assert autograd.logsumexp([Value(-math.inf), Value(-math.inf)]).data == -math.inf


def test_one_input():
    x = Value(2.0)
    assert autograd.sum([x]).data == 2.0
    assert autograd.logsumexp([x]).data == 2.0
    (s,) = autograd.softmax([x])
    s.backward()
    assert (s.data, x.grad) == (1.0, 0.0)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"sum\(\) needs at least one value"):
        autograd.sum([])
    with pytest.raises(TypeError, match=r"softmax\(\) needs a list of Values or numbers, got Value"):
        autograd.softmax(Value(1.0))
    with pytest.raises(TypeError, match=r"logsumexp\(\) needs Values or numbers, got str: 'a'"):
        autograd.logsumexp([Value(1.0), "a"])
    assert autograd.sum(v for v in (Value(1.0), 2)).data == 3.0  # any iterable


def test_no_grad_records_nothing():
    x = Value(1.0)
    with no_grad():
        s = autograd.sum([x, x])
        p = autograd.softmax([x, x])
    assert s.parents == () and p[0].parents == () and s.data == 2.0 and p[0].data == 0.5


def test_tape_replays_nary_ops_bit_for_bit():
    xs = [Value(v) for v in (0.3, -1.2, 2.0, 0.7)]
    s = autograd.softmax(xs)
    loss = autograd.logsumexp([s[0] * xs[1], s[3], autograd.sum(xs)]) * s[1]
    tape = compile(loss)
    for trial in range(3):
        for k, x in enumerate(xs):
            x.data = 0.5 * trial - k
            x.grad = 0.0
        replayed = tape.forward()
        tape.backward()
        from_tape = [x.grad for x in xs]
        s = autograd.softmax(xs)
        rebuilt = autograd.logsumexp([s[0] * xs[1], s[3], autograd.sum(xs)]) * s[1]
        for x in xs:
            x.grad = 0.0
        rebuilt.backward()
        assert replayed == rebuilt.data
        assert from_tape == [x.grad for x in xs]


def test_steps_and_explain_name_each_input():
    a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(0.5, label="c")
    s = autograd.softmax([a, b, c])
    s[1].label = "s"
    assert local_rule(s[1], 1) == "∂s/∂b = s·(1 − s)"
    assert local_rule(s[1], 0) == "∂s/∂a = −s·softmax_0"
    lse = autograd.logsumexp([a, b, c])
    lse.label = "m"
    assert local_rule(lse, 2) == "∂m/∂c = softmax_2"
    total = autograd.sum([a, b, c])
    total.label = "t"
    assert local_rule(total, 0) == "∂t/∂a = 1"
    y = s[1] * lse
    y.label = "y"
    steps = backprop_steps(y)
    y.backward()
    finals = {st.parent: st.parent_grad_after for st in steps if st.final}
    assert finals[a] == a.grad and finals[b] == b.grad and finals[c] == c.grad
    text = explain(autograd.softmax([a, b, c])[1] * autograd.logsumexp([a, b, c]))
    assert "\nsoftmax(a, b, c)[1] = 0.6285\n" in text and "\nlogsumexp(a, b, c) = 2.464\n" in text
    assert "  dL/db += dL/d(logsumexp(a, b, c)) · ∂(logsumexp(a, b, c))/∂b = 0.6285 · softmax_1 = " in text


def test_picture_draws_one_op_per_nary_node():
    from viz import draw_graph

    xs = [Value(v, label=n) for v, n in ((1.0, "a"), (2.0, "b"), (0.5, "c"))]
    s = autograd.softmax(xs)
    y = autograd.sum([s[0], s[2], autograd.logsumexp(xs)])
    source = draw_graph(y).source
    assert source.count("label=softmax ") == 1  # one op node for both outputs used
    assert source.count("-> op") == 9  # three inputs into each of the three ops
    assert source.count("label=logsumexp ") == 1
    assert source.count("label=\"Σ\"") == 1


def test_cross_entropy_is_logsumexp_minus_the_score():
    from nn import losses

    scores = [Value(1.0), Value(2.0), Value(3.0)]
    loss = losses.cross_entropy(scores, 2)
    assert loss.parents[0].op == "logsumexp"
    t = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(t.unsqueeze(0), torch.tensor([2]))
    ref.backward()
    loss.backward()
    assert loss.data == pytest.approx(ref.item(), rel=1e-15)
    assert [v.grad for v in scores] == pytest.approx(t.grad.tolist(), rel=1e-14)


def test_the_step_page_walks_every_edge_of_an_nary_node():
    from viz import backprop_html

    a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(0.5, label="c")
    s = autograd.softmax([a, b, c])
    y = autograd.sum([s[0] * c, autograd.logsumexp([a, b])])
    y.label = "y"
    page = backprop_html(y)
    steps = backprop_steps(y)
    assert len(steps) == 2 + 2 + 2 + 3  # sum, mul, logsumexp, then softmax's three inputs
    for st in steps:
        assert st.rule and st.parent_name in page


def test_softmax_with_an_infinite_input_is_nan_everywhere_as_in_torch():
    import numpy as np

    for point in ([0.0, 0.0, math.inf], [-0.0, 1.0, math.inf], [math.inf, math.inf, 2.0]):
        expected = torch.softmax(torch.tensor(point, dtype=torch.float64), 0).tolist()
        assert all(math.isnan(e) for e in expected)
        values = [Value(v) for v in point]
        assert all(math.isnan(s.data) for s in autograd.softmax(values))
        outs = autograd.softmax(values)
        batched = autograd.compile_batched(autograd.sum([outs[0], outs[1]]), values)
        assert np.isnan(batched.forward([point])).all()
    # logsumexp's derivative at the same point stays torch's exp(x_j - inf): 0 for a finite input
    x = [Value(0.0), Value(0.0), Value(math.inf)]
    autograd.logsumexp(x).backward()
    t = torch.tensor([0.0, 0.0, math.inf], dtype=torch.float64, requires_grad=True)
    torch.logsumexp(t, 0).backward()
    assert [v.grad for v in x][:2] == t.grad.tolist()[:2] == [0.0, 0.0]
