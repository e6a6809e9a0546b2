"""Graphs hold no reference cycles: with the garbage collector off, a graph nobody refers to is
freed the moment its last reference goes (reference counting alone), before and after backward().
backward(create_graph=True) is the exception, as in PyTorch: x.grad is a graph that refers to x."""

import gc
import weakref

import pytest

from autograd import Value, backprop, detect_anomaly, grad, no_grad
from autograd.mode import collector_paused


def build():
    """A small graph with reuse, constants, a Value exponent and every kind of op; returns the root
    and weak references to the root, an intermediate and a leaf made inside."""
    inner = Value(1.5, label="inner")
    x = Value(0.7, label="x")
    h = (x * inner).tanh()
    y = h * h + 2 ** x - (inner ** x).log() / (1 + x.abs()) + h.sigmoid().sqrt() + x.leaky_relu(0.1)
    return y, [weakref.ref(y), weakref.ref(h), weakref.ref(inner)]


def assert_all_dead(refs):
    alive = [r() for r in refs if r() is not None]
    assert not alive, f"{len(alive)} node(s) still alive without the garbage collector: {alive}"


def test_a_graph_is_freed_at_once():
    with collector_paused():
        y, refs = build()
        assert all(r() is not None for r in refs)
        del y
        assert_all_dead(refs)


def test_a_graph_is_freed_at_once_after_backward():
    with collector_paused():
        y, refs = build()
        y.backward()
        assert refs[2]().grad != 0.0
        del y
        assert_all_dead(refs)


def test_a_graph_is_freed_after_backward_twice_and_zero_grad():
    with collector_paused():
        y, refs = build()
        y.backward()
        y.backward(gradient=0.5)
        y.zero_grad()
        del y
        assert_all_dead(refs)


def test_a_graph_is_freed_after_backward_with_a_value_gradient():
    with collector_paused():
        y, refs = build()
        seed = Value(2.0)
        y.backward(gradient=seed)  # the grads are Values now, built from seed and the graph's own data
        del y
        assert_all_dead(refs)


def test_a_graph_is_freed_after_backprop_and_grad():
    with collector_paused():
        y, refs = build()
        backprop(y, create_graph=True)  # Value gradients, but written nowhere
        del y
        assert_all_dead(refs)

        made_inside = []

        def f(x):
            inner = x * x
            made_inside.append(weakref.ref(inner))
            return (inner.sin() * x).exp()

        assert isinstance(grad(grad(grad(f)))(0.3), float)
        assert isinstance(grad(f)(Value(0.3)), Value)
        assert len(made_inside) == 2  # f runs once per call, whatever the order
        assert_all_dead(made_inside)


def test_a_graph_is_freed_after_detect_anomaly_and_no_grad():
    with collector_paused():
        with detect_anomaly():
            y, refs = build()
            y.backward()
        del y
        assert_all_dead(refs)
        x = Value(2.0)
        with no_grad():
            z = x * x
        ref = weakref.ref(z)
        del z
        assert ref() is None


def test_a_deep_chain_is_freed_at_once():
    with collector_paused():
        x = Value(1.0)
        y = x
        for _ in range(100_000):
            y = y * 1.0 + 0.0
        y.backward()
        last, x_ref = weakref.ref(y), weakref.ref(x)
        del y, x
        assert last() is None and x_ref() is None


@pytest.mark.filterwarnings("ignore")
def test_create_graph_makes_a_cycle_that_the_collector_frees():
    """Like PyTorch: after backward(create_graph=True), x.grad is a graph that refers back to x, so
    the graph outlives its last reference until gc.collect(). grad() avoids this."""
    with collector_paused():
        x = Value(0.7)
        y = (x * x).sin()
        y.backward(create_graph=True)
        assert isinstance(x.grad, Value)
        refs = [weakref.ref(x), weakref.ref(y)]
        del x, y
        assert any(r() is not None for r in refs)  # the cycle: x -> x.grad -> ... -> x
        gc.collect()
        assert_all_dead(refs)
