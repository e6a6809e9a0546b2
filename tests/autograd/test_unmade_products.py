"""A neuron's weighted sum keeps its products unmade until someone reads the graph
(``autograd.nary.weighted_sum``, ``Value._make_products``); ``backward()`` applies their
rules without making them, at the places their mul nodes would have had in the order.

The claim tested here: nothing anyone can observe depends on whether the products were
made. The same random graph is built three ways (weighted sums left unmade; unmade and
then read, which makes them; written out as ``autograd.sum([b, *[w * x ...]])``) and every
node's gradient must be the same float, to the last bit, in every one; so must a compiled
tape's. The graphs share nodes freely, so a neuron's input may depend on another of its
inputs: the case where adding the products' contributions anywhere else would change the
last bits (see test_adding_them_all_at_the_sum_would_change_the_last_bits).
"""

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, topological_order
from autograd.engine import MANY
from autograd.nary import weighted_sum


def constant(x: Value, c: float) -> Value:
    """A constant Value (what a number in an expression becomes once the graph is read)."""
    return (x * c).parents[1]


def build(recipe, leaves, how):
    """Run ``recipe`` on fresh leaves; ``how`` is "unmade", "read" or "written"."""
    pool = [Value(d, label=f"x{i}") for i, d in enumerate(leaves)]
    sums = []
    for step in recipe:
        kind = step[0]
        if kind == "neuron":
            _, bias, pairs = step
            b, ws, xs = pool[bias], [pool[i] for i, _ in pairs], [pool[j] for _, j in pairs]
            if how == "written":
                node = autograd.sum([b, *[w * x for w, x in zip(ws, xs)]])
            else:
                node = weighted_sum(b, ws, xs)
            sums.append(node)
        elif kind == "tanh":
            node = pool[step[1]].tanh()
        elif kind == "mul":
            node = pool[step[1]] * pool[step[2]]
        elif kind == "add":
            node = pool[step[1]] + pool[step[2]]
        else:  # "constant"
            node = constant(pool[step[1]], step[2])
        pool.append(node)
    root = autograd.sum(pool[len(leaves):]).tanh()
    if how == "read":
        topological_order(root)  # makes every product
    return root, pool, sums


@st.composite
def recipes(draw):
    leaves = draw(st.lists(st.floats(-2, 2), min_size=1, max_size=4))
    recipe, size = [], len(leaves)
    for _ in range(draw(st.integers(1, 12))):
        earlier = st.integers(0, size - 1)
        kind = draw(st.sampled_from(["neuron", "neuron", "neuron", "tanh", "mul", "add", "constant"]))
        if kind == "neuron":
            pairs = draw(st.lists(st.tuples(earlier, earlier), min_size=0, max_size=5))
            recipe.append(("neuron", draw(earlier), pairs))
        elif kind in ("mul", "add"):
            recipe.append((kind, draw(earlier), draw(earlier)))
        elif kind == "constant":
            recipe.append(("constant", draw(earlier), draw(st.sampled_from([0.5, -1.25, 3.0]))))
        else:
            recipe.append(("tanh", draw(earlier)))
        size += 1
    return recipe, leaves


def grads(pool):
    return [v.grad.hex() for v in pool]


@settings(max_examples=400, deadline=None)
@given(recipes())
def test_backward_is_the_same_whether_or_not_the_products_were_made(case):
    recipe, leaves = case
    results = {}
    for how in ("unmade", "read", "written"):
        root, pool, _ = build(recipe, leaves, how)
        root.backward()
        root.backward()  # accumulating, too
        results[how] = (root.data.hex(), grads(pool))
    assert results["unmade"] == results["read"] == results["written"]


@settings(max_examples=150, deadline=None)
@given(recipes())
def test_a_tape_replays_an_unmade_graph_as_backward_does(case):
    recipe, leaves = case
    root, pool, _ = build(recipe, leaves, "unmade")
    root.backward()
    expected = grads(pool)
    tape = autograd.compile(root)  # reads the graph: the products are made now
    for v in pool:
        v.grad = 0.0
    assert tape.forward() == root.data
    tape.backward()
    leaves = [v for v in pool if v.is_leaf and not v.is_constant]
    assert [v.grad.hex() for v in leaves] == [e for v, e in zip(pool, expected) if v.is_leaf and not v.is_constant]


@settings(max_examples=150, deadline=None)
@given(recipes())
def test_products_made_after_backward_hold_the_gradient_backward_gave(case):
    recipe, leaves = case
    root, _, sums = build(recipe, leaves, "unmade")
    root.backward()
    unmade = [(s, s._a, s._b) for s in sums]
    written_root, written_pool, written_sums = build(recipe, leaves, "written")
    written_root.backward()
    for (s, terms, products), twin in zip(unmade, written_sums):
        made = s.parents
        assert s._b is MANY and made[0] is terms[0]
        assert [(p.op, p.parents, p.data.hex(), p.grad.hex()) for p in made[1:]] == [
            ("mul", (terms[k], terms[k + 1]), d.hex(), q.grad.hex())
            for k, d, q in zip(range(1, len(terms), 2), products, twin.parents[1:])
        ]
        assert s.parents is made  # made once, for good


def test_a_product_keeps_the_value_of_its_forward_pass():
    b, w, x = Value(0.5, label="b"), Value(2.0, label="w"), Value(3.0, label="x")
    z = weighted_sum(b, [w], [x])
    w.data = -7.0  # an optimizer step before anyone looked
    product = z.parents[1]
    assert (product.op, product.data, z.data) == ("mul", 6.0, 6.5)


def test_an_mlp_step_is_the_same_with_and_without_reading_the_graph():
    from nn import MLP

    def step(read):
        model = MLP(2, [4, 4, 1], seed=3)
        xs = [[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]]
        loss = autograd.sum([(1 - model(x)).relu() for x in xs]) * (1 / 3)
        if read:
            topological_order(loss)
        loss.backward()
        return [p.grad.hex() for p in model.parameters()]

    assert step(read=False) == step(read=True)


def test_adding_them_all_at_the_sum_would_change_the_last_bits():
    """Why the products' contributions wait for their places in the order: here input
    x * x of a neuron depends on its other input x, so x.grad gets x * x's two
    contributions between the two products' ones. Adding both products' at the sum,
    before x * x's, gives another float."""
    x, w0, w1, b = Value(0.1, label="x"), Value(0.9), Value(0.5), Value(0.2)
    z = weighted_sum(b, [w0, w1], [x * x, x])
    z.backward()
    through_square = x.data * (0.0 + w0.data * 1.0)  # x * x gives x each of its two factors' share
    in_order = ((0.0 + through_square) + through_square) + (0.0 + 1.0) * w1.data
    at_the_sum = ((0.0 + (0.0 + 1.0) * w1.data) + through_square) + through_square
    assert (in_order, at_the_sum) == (0.68, 0.6799999999999999)  # so the order is observable here
    assert x.grad == in_order


def test_reading_from_many_threads_makes_one_set_of_products():
    b, ws, xs = Value(0.5), [Value(float(i)) for i in range(50)], [Value(1.0 / (i + 1)) for i in range(50)]
    z = weighted_sum(b, ws, xs)
    seen, barrier = [], threading.Barrier(8)

    def read():
        barrier.wait()
        seen.append(z.parents)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(made is z.parents for made in seen)


@pytest.mark.parametrize("mode", [autograd.no_grad, autograd.detect_anomaly])
def test_other_modes_make_the_products_at_once(mode):
    b, w, x = Value(0.5), Value(2.0), Value(3.0)
    with mode():
        z = weighted_sum(b, [w], [x])
    assert type(z._b) is not tuple


def test_most_of_micrograds_demo_graph_is_products_left_unmade():
    """weighted_sum's docstring: 30,400 of the demo step's 38,718 nodes are products; the
    order backward() walks holds 8,114 nodes and 6,400 product steps."""
    from autograd import engine
    from benchmarks import workloads

    model, (X, y) = workloads.chainrule_model(), workloads.moons()
    loss = workloads.demo_loss(model, X, y)
    order = engine._backward_order(loss, True)
    walked = [v for v in order if not isinstance(v, engine._ProductSteps)]
    assert (len(walked), len(order) - len(walked)) == (8_114, 6_400)  # docs/architecture.md, "Speed"
    unmade = sum(len(v._b) for v in walked if type(v._b) is tuple)
    assert unmade == 30_400 and all(type(v._b) is tuple for v in walked if v.op == "sum" and v is not loss)
    assert len(topological_order(loss)) == 38_718  # every node, constants and products made


def test_the_playground_default_networks_plain_graph_counts():
    """README and docs/playground.md: a plain step of the default 2-8-8-1 tanh network
    over 100 points has 12,806 nodes once read, 3,905 as built."""
    from autograd import engine
    from nn import MLP, data, losses

    model = MLP(2, [8, 8, 1], activation="tanh", seed=1)
    X, y = data.xor(n=100, seed=1)
    loss = losses.get("mse")([model([Value(v) for v in row]) for row in X], list(y))
    built = [v for v in engine._backward_order(loss, True) if not isinstance(v, engine._ProductSteps)]
    assert (len(built), len(topological_order(loss))) == (3_905, 12_806)


def test_backward_and_a_reader_in_another_thread_do_not_meet_half_done():
    """A thread that reads the graph (a picture of the latest step, say) while backward()
    walks it unmade: the products are made before or after the pass, never during it."""
    import sys

    stop, box = threading.Event(), [None]

    def reader():
        while not stop.is_set():
            if box[0] is not None:
                assert box[0].parents  # makes the products, or reads them

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        for _ in range(300):
            b, ws, xs = Value(0.5), [Value(i % 7 - 3.0) for i in range(40)], [Value(0.25 * i) for i in range(40)]
            s = weighted_sum(b, ws, xs)
            z = s.tanh()
            box[0] = s
            z.backward()
            t = 0.0 + (1 - z.data ** 2)
            assert [w.grad for w in ws] == [x.data * t for x in xs] and b.grad == 1 - z.data ** 2
            assert [p.grad for p in s.parents[1:]] == [t] * 40
    finally:
        stop.set()
        thread.join()
        sys.setswitchinterval(interval)


def test_weights_and_inputs_may_be_any_iterables():
    b, w, x = Value(0.5), [Value(2.0), Value(-1.0)], [Value(3.0), Value(4.0)]
    z = weighted_sum(b, iter(w), (v for v in x))
    z.backward()
    assert (z.data, [v.grad for v in w], [v.grad for v in x], b.grad) == (2.5, [3.0, 4.0], [2.0, -1.0], 1.0)
    assert [p.op for p in z.parents] == ["", "mul", "mul"]


def test_a_value_seed_gives_each_product_made_later_its_own_gradient_node():
    def made(lazy):
        b, w, x = Value(0.5), Value(2.0), Value(3.0)
        z = weighted_sum(b, [w], [x]) if lazy else autograd.sum([b, w * x])
        z.backward(gradient=Value(2.0))
        product = z.parents[1]
        return product.grad is z.grad, product.grad.op, product.grad.data, w.grad.data

    assert made(True) == made(False) == (False, "add", 2.0, 6.0)


def test_a_made_graph_copies_and_its_copy_backpropagates_alike():
    import copy

    x = Value(1.5, label="x")
    z = weighted_sum(Value(0.5), [Value(2.0), Value(-1.0)], [x, x * x]).tanh()
    topological_order(z)  # made
    twin = copy.deepcopy(z)
    z.backward()
    twin.backward()
    assert [v.grad for v in topological_order(z)] == [v.grad for v in topological_order(twin)]
    assert twin.parents[0]._b is MANY
