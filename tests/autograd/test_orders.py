"""topological_order (reading order) and backward_order (the chain rule's order)."""

import random

from autograd import Value, backprop_steps, backward_order, topological_order


def random_graph(seed, size=40):
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(-1, 1), label=f"x{i}") for i in range(4)]
    for _ in range(size):
        a, b = rng.choice(nodes), rng.choice(nodes)
        nodes.append(rng.choice([a + b, a * b, (a - b).tanh(), a.sin()]))
    return sum(nodes[-10:], nodes[0])


def test_both_are_topological_and_cover_the_graph():
    for seed in range(20):
        root = random_graph(seed)
        forward = topological_order(root)
        backward = backward_order(root)
        assert set(forward) == set(backward) and len(forward) == len(backward) == len(set(forward))
        position = {v: i for i, v in enumerate(forward)}
        assert all(position[p] < position[v] for v in forward for p in v.parents)
        position = {v: i for i, v in enumerate(backward)}
        assert backward[0] is root
        assert all(position[v] < position[p] for v in backward for p in v.parents)


def test_reading_order_lists_inputs_in_argument_order():
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(1.0, label="b")
    y = (x * w + b).tanh()
    assert [v.label or v.op for v in topological_order(y)] == ["x", "w", "mul", "b", "add", "tanh"]


def test_backward_order_walks_the_first_branch_first():
    x1, w1, x2, w2 = (Value(v, label=n) for v, n in [(2.0, "x1"), (-3.0, "w1"), (0.0, "x2"), (1.0, "w2")])
    a = x1 * w1
    a.label = "a"
    c = x2 * w2
    c.label = "c"
    y = a + c
    assert [v.label or v.op for v in backward_order(y)] == ["add", "a", "x1", "w1", "c", "x2", "w2"]
    # the step records follow it edge by edge: a's inputs before c's
    assert [s.parent.label for s in backprop_steps(y)] == ["a", "c", "x1", "w1", "x2", "w2"]


def test_deep_chain_needs_no_recursion():
    x = Value(1.0)
    y = x
    for _ in range(200_000):
        y = y + 1.0
    assert len(backward_order(y)) == len(topological_order(y)) == 400_001
