"""Losses by hand (no PyTorch needed): values, gradients, label rules, errors."""

import math

import pytest

from autograd import Value
from nn import losses


def test_mse_single_and_batch():
    assert losses.mse(Value(3.0), 1.0).data == 4.0
    assert losses.mse([Value(3.0), Value(0.0)], [1.0, 1.0]).data == 2.5        # (4 + 1) / 2
    assert losses.mse([Value(3.0), Value(0.0)], [1, 1], reduction="sum").data == 5.0
    assert losses.mse([1.0, 2.0], [1.0, 4.0]).data == 2.0                      # plain floats work too


def test_hinge_by_hand_matches_micrograd_formula():
    scores = [Value(s) for s in (2.0, 0.5, -0.3, 0.3)]
    ys = [1, 1, -1, -1]
    loss = losses.hinge(scores, ys)
    expected = sum(max(0.0, 1 + -y * s.data) for y, s in zip(ys, scores)) / 4
    assert loss.data == pytest.approx(expected, rel=1e-15)
    loss.backward()
    assert [s.grad for s in scores] == [0.0, -0.25, 0.25, 0.25]


def test_hinge_reads_zero_as_minus_one():
    a = losses.hinge([Value(0.2), Value(-0.4)], [1, 0]).data
    b = losses.hinge([Value(0.2), Value(-0.4)], [1, -1]).data
    assert a == b == pytest.approx((0.8 + 0.6) / 2)


def test_bce_by_hand():
    p = Value(0.8)
    loss = losses.binary_cross_entropy(p, 1)
    assert loss.data == pytest.approx(-math.log(0.8))
    loss.backward()
    assert p.grad == pytest.approx(-1 / 0.8)
    x = Value(1.5)
    loss = losses.binary_cross_entropy(x, 0, from_logits=True)
    assert loss.data == pytest.approx(math.log(1 + math.exp(1.5)))
    loss.backward()
    assert x.grad == pytest.approx(1 / (1 + math.exp(-1.5)))             # sigmoid(x) - 0


def test_bce_with_logits_is_stable_for_huge_logits():
    assert losses.bce_with_logits(Value(1000.0), 1).data == 0.0
    assert losses.bce_with_logits(Value(-1000.0), 1).data == 1000.0


def test_cross_entropy_by_hand():
    s = [Value(0.0), Value(math.log(3.0))]         # softmax = (1/4, 3/4)
    loss = losses.cross_entropy(s, 0)
    assert loss.data == pytest.approx(math.log(4.0))
    loss.backward()
    assert [v.grad for v in s] == pytest.approx([0.25 - 1, 0.75])


def test_l2_and_empty_l2():
    assert losses.l2([Value(1.0), Value(2.0)], alpha=0.1).data == pytest.approx(0.5)
    assert losses.l2([], alpha=0.1).data == 0.0


def test_get():
    assert losses.get("mse") is losses.mse
    assert losses.get("cross_entropy") is losses.get("ce") is losses.cross_entropy
    assert losses.get("BCE") is losses.binary_cross_entropy

    def mine(o, t):
        return o

    assert losses.get(mine) is mine
    with pytest.raises(ValueError, match="unknown loss 'l1'"):
        losses.get("l1")


@pytest.mark.parametrize("call, error, message", [
    (lambda: losses.mse([Value(1.0)], [1.0, 2.0]), ValueError, "1 outputs but 2 targets"),
    (lambda: losses.mse(Value(1.0), [1.0, 2.0]), ValueError, "one output but 2 targets"),
    (lambda: losses.mse([Value(1.0)], 1.0), ValueError, "1 outputs but one target"),
    (lambda: losses.mse([], []), ValueError, "at least one output"),
    (lambda: losses.mse(Value(1.0), "a"), TypeError, "targets must be numbers, got str"),
    (lambda: losses.mse(Value(1.0), 1.0, reduction="none"), ValueError, "reduction must be 'mean' or 'sum'"),
    (lambda: losses.binary_cross_entropy(Value(1.5), 1), ValueError, "needs probabilities in \\[0, 1\\], got 1.5"),
    (lambda: losses.binary_cross_entropy(Value(0.5), -1), ValueError, "targets must be in \\[0, 1\\]"),
    (lambda: losses.hinge(Value(0.5), 2), ValueError, "targets must be \\+1 or -1"),
    (lambda: losses.cross_entropy([Value(1.0), Value(2.0)], 2), ValueError, "targets: 2 is not a class index"),
    (lambda: losses.cross_entropy([Value(1.0), Value(2.0)], 0.5), TypeError, "class indices"),
    (lambda: losses.cross_entropy([Value(1.0), Value(2.0)], math.inf), TypeError, "class indices"),
    (lambda: losses.cross_entropy([Value(1.0), Value(2.0)], math.nan), TypeError, "class indices"),
    (lambda: losses.cross_entropy([[Value(1.0)]], [0, 1]), ValueError, "1 samples but 2 targets"),
    (lambda: losses.cross_entropy(Value(1.0), 0), ValueError, "list of class scores"),
])
def test_errors_name_the_loss_and_the_problem(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_bce_error_suggests_logits():
    with pytest.raises(ValueError, match="from_logits=True"):
        losses.binary_cross_entropy(Value(-0.3), 0)
