"""The bug zoo: each broken backward pass gives the numbers its description says, and the checks catch it."""

from __future__ import annotations

import sys

import pytest
import torch

from autograd import GradcheckError, Value, bugzoo, explain, gradcheck


def shared(x=3.0, y=2.0):
    xv, yv = Value(x, label="x"), Value(y, label="y")
    a = xv * yv
    a.label = "a"
    z = a + a
    z.label = "z"
    return xv, yv, a, z


def torch_grads(f, *values):
    ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    f(*ts).backward()
    return [t.grad.item() for t in ts]


def tree(x, w, b, c):  # every node used once: only a shared node or a deep graph shows these bugs
    return ((x * w + b).tanh() * 2.0 - c.exp()) ** 2


@pytest.mark.parametrize("bug", ["recursive", "assign", "no-zero", "depth"])
def test_on_a_tree_every_bug_is_right_once(bug):
    vals = (0.5, -1.5, 0.25, 0.75)
    vs = [Value(v) for v in vals]
    bugzoo.backward(tree(*vs), bug=bug)
    want = torch_grads(tree, *vals)
    assert [v.grad for v in vs] == pytest.approx(want, rel=1e-12)


def test_recursive_pushes_a_shared_node_twice():
    x, y, a, z = shared()
    bugzoo.backward(z, bug="recursive")
    assert (x.grad, y.grad, a.grad) == (3 * 2.0, 3 * 3.0, 2.0)     # 3y and 3x; a itself ends at 2
    assert torch_grads(lambda x, y: (x * y) + (x * y), 3.0, 2.0) == [2 * 2.0, 2 * 3.0]


def test_recursive_on_two_levels_of_sharing():
    # b = x*x (x used twice), c = b + b: the right dc/dx = 2 * 2x = 12 at x = 3.
    # Recursion: c pushes 1 into b and b pushes 1*x into x twice (x gets 3 then 3+... ): visits multiply.
    x = Value(3.0)
    b = x * x
    c = b + b
    bugzoo.backward(c, bug="recursive")
    # by hand: visit b with b.grad=1: x += 3 (x=3), visit x; x += 3*1 (x=6). visit b with b.grad=2:
    # x += 3*2 (12), x += 3*2 (18)
    assert x.grad == 18.0


def test_assign_keeps_the_last_use_only():
    x, y, a, z = shared()
    bugzoo.backward(z, bug="assign")
    assert (a.grad, x.grad, y.grad) == (1.0, 2.0, 3.0)               # y and x, not 2y and 2x


def test_no_zero_adds_into_intermediate_nodes_again():
    x, y, w = Value(3.0), Value(2.0), Value(-1.0)
    L = x * y * w
    bugzoo.backward(L, bug="no-zero")
    assert x.grad == -2.0                                              # w·y: right the first time
    bugzoo.backward(L, bug="no-zero")
    assert x.grad == -6.0                                              # 3·w·y
    x2, y2, w2 = Value(3.0), Value(2.0), Value(-1.0)
    L2 = x2 * y2 * w2
    L2.backward()
    L2.backward()
    assert x2.grad == -4.0                                             # the engine: 2·w·y, as PyTorch


def test_depth_fails_past_the_recursion_limit_where_the_engine_does_not():
    x = Value(0.5)
    y = x
    for _ in range(sys.getrecursionlimit() + 100):
        y = y * 1.0001
    with pytest.raises(RecursionError, match="maximum recursion depth exceeded"):
        bugzoo.backward(y, bug="depth")
    x.grad = 0.0
    y.backward()
    assert x.grad == pytest.approx(1.0001 ** (sys.getrecursionlimit() + 100), rel=1e-9)


def test_gradcheck_and_explain_expose_the_bugs():
    def f(x, y):
        a = x * y
        return a + a

    assert gradcheck(f, 3.0, 2.0)
    assert gradcheck(f, 3.0, 2.0, backward=lambda out: out.backward())
    assert gradcheck(f, 3.0, 2.0, backward=lambda out: bugzoo.backward(out, bug="depth"))
    for bug, wrong in (("recursive", 9.0), ("assign", 3.0)):
        with pytest.raises(GradcheckError, match=rf"input 1 \(at 2.0\) is {wrong} by backward\(\) but 5\.99"):
            gradcheck(f, 3.0, 2.0, backward=lambda out, bug=bug: bugzoo.backward(out, bug=bug))
    x, y, a, z = shared()
    bugzoo.backward(z, bug="recursive")
    text = explain(z, wrt=x)
    assert "dz/dx = 2.0 + 2.0 = 4.0" in text and "x.grad holds 6.0" in text


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown bug 'typo'; the zoo has recursive, assign, no-zero, depth"):
        bugzoo.backward(Value(1.0), bug="typo")
    with pytest.raises(TypeError, match="bugzoo.backward\\(\\) needs a Value, got float"):
        bugzoo.backward(1.0, bug="assign")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="backward must be a function"):
        gradcheck(lambda x: x * x, 1.0, backward=3)  # type: ignore[arg-type]
