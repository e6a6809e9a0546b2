"""No recursion anywhere: a chain of a million ops goes forward, backward, through grad() and
zero_grad(), and is freed, all under Python's default recursion limit."""

import math
import sys

import pytest

from autograd import Value, grad, topological_order

N = 1_000_000
RATE = 1.0000001


@pytest.mark.slow
def test_a_million_node_chain_under_the_default_recursion_limit():
    limit = sys.getrecursionlimit()
    assert limit <= 1000, "the test means something only under Python's default recursion limit"
    x = Value(0.5, label="x")
    y = x
    for i in range(N // 2):  # N ops in all: y * RATE and y + c, alternating
        y = y * RATE
        y = y + (i % 7) * 1e-3
    y.backward()
    # d y / d x is RATE multiplied once per multiplication; the additions pass gradients through.
    assert x.grad == pytest.approx(RATE ** (N // 2), rel=1e-9)
    assert math.isclose(RATE ** (N // 2), math.exp(0.05), rel_tol=1e-4)  # the number is not trivially 1
    # the value, by hand: y_k = y_{k-1} * RATE + c_k
    expected = 0.5
    for i in range(N // 2):
        expected = expected * RATE + (i % 7) * 1e-3
    assert y.data == expected  # the same floating-point operations in the same order
    assert sys.getrecursionlimit() == limit
    del y  # freeing a million nested nodes must not recurse either


@pytest.mark.slow
def test_deep_chains_through_grad_and_topological_order():
    def f(x):
        for _ in range(100_000):
            x = (x * 1.00001).tanh() + 0.1
        return x

    g = grad(f)(0.3)
    # by hand: the chain rule, one tanh at a time
    x, slope = 0.3, 1.0
    for _ in range(100_000):
        t = math.tanh(x * 1.00001)
        slope *= (1.0 - t * t) * 1.00001
        x = t + 0.1
    assert g == pytest.approx(slope, rel=1e-9)

    v = Value(1.0)
    y = v
    for _ in range(200_000):
        y = y - 1e-6
    assert len(topological_order(y)) == 1 + 2 * 200_000  # the leaf, each op and its constant
    y.backward()
    y.zero_grad()
    assert v.grad == 0.0
    assert sys.getrecursionlimit() <= 1000
