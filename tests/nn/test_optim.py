"""Optimizers and schedules by hand (no PyTorch needed), and their errors."""

import math

import pytest

from autograd import Value
from nn import MLP, optim


def test_sgd_by_hand():
    w = Value(2.0)
    w.grad = 0.5
    optim.SGD([w], lr=0.2).step()
    assert w.data == 2.0 - 0.2 * 0.5


def test_sgd_weight_decay_by_hand():
    w = Value(2.0)
    w.grad = 0.5
    optim.SGD([w], lr=0.1, weight_decay=0.25).step()     # g = 0.5 + 0.25 * 2 = 1
    assert w.data == pytest.approx(1.9)


def test_nesterov_by_hand():
    w = Value(1.0)
    opt = optim.SGD([w], lr=0.1, momentum=0.5, nesterov=True)
    w.grad = 1.0
    opt.step()                                            # b = 1; g = 1 + 0.5 * 1 = 1.5
    assert w.data == pytest.approx(0.85)
    opt.step()                                            # b = 0.5 + 1 = 1.5; g = 1 + 0.75
    assert w.data == pytest.approx(0.85 - 0.175)


def test_adam_first_step_is_lr_times_sign():
    ws = [Value(1.0), Value(1.0)]
    ws[0].grad, ws[1].grad = 3.0, -0.001
    optim.Adam(ws, lr=0.01).step()
    # m / (1 - b1) = g and sqrt(v / (1 - b2)) = |g|, so the step is lr * g / (|g| + eps)
    assert ws[0].data == pytest.approx(1.0 - 0.01 * 3.0 / (3.0 + 1e-8), rel=1e-12)
    assert ws[1].data == pytest.approx(1.0 + 0.01 * 0.001 / (0.001 + 1e-8), rel=1e-12)


def test_zero_grad_and_value_gradients():
    w = Value(1.0)
    w.grad = Value(0.5)          # a gradient from backward(create_graph=True)
    opt = optim.SGD([w], lr=1.0)
    opt.step()
    assert w.data == 0.5
    opt.zero_grad()
    assert w.grad == 0.0


def test_optimizer_on_a_model_trains_it():
    model = MLP(1, [1], seed=0)
    opt = optim.SGD(model.parameters(), lr=0.1)
    for _ in range(200):
        opt.zero_grad()
        loss = sum(((model([x]) - (2 * x + 1)) ** 2 for x in (-1.0, 0.0, 1.0, 2.0)), 0.0)
        loss.backward()
        opt.step()
    w, b = [p.data for p in model.parameters()]
    assert (w, b) == pytest.approx((2.0, 1.0), abs=1e-6)
    assert opt.steps == 200


@pytest.mark.parametrize("make, error, message", [
    (lambda: optim.SGD([], lr=0.1), ValueError, "params is an empty list"),
    (lambda: optim.SGD(Value(1.0), lr=0.1), TypeError, "single Value"),
    (lambda: optim.SGD([1.0], lr=0.1), TypeError, "params must hold Values, got float at position 0"),
    (lambda: optim.SGD([v := Value(1.0), v], lr=0.1), ValueError, "same parameter twice"),
    (lambda: optim.SGD([Value(1.0)], lr=-1), ValueError, "lr must be a finite number >= 0"),
    (lambda: optim.SGD([Value(1.0)], lr=math.nan), ValueError, "lr must be"),
    (lambda: optim.SGD([Value(1.0)], lr=0.1, nesterov=True), ValueError, "nesterov=True needs momentum"),
    (lambda: optim.Adam([Value(1.0)], betas=(0.9,)), ValueError, "betas must be a pair"),
    (lambda: optim.Adam([Value(1.0)], betas=(1.0, 0.9)), ValueError, "betas must be in"),
    (lambda: optim.linear_decay(optim.SGD([Value(1.0)], lr=1), total_iters=0), ValueError, "total_iters"),
    (lambda: optim.step_decay(optim.SGD([Value(1.0)], lr=1), step_size=0), ValueError, "step_size"),
    (lambda: optim.step_decay("opt", step_size=1), TypeError, "optimizer must be an Optimizer"),
])
def test_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_schedule_sets_the_first_rate_and_reports():
    opt = optim.SGD([Value(0.0)], lr=2.0)
    sched = optim.linear_decay(opt, start_factor=0.5, end_factor=1.0, total_iters=2)
    assert opt.lr == 1.0 and sched.get_last_lr() == [1.0]
    sched.step()
    assert opt.lr == 1.5 and sched.lr == 1.5 and sched.epoch == 1
    sched.step()
    sched.step()
    assert opt.lr == 2.0
    assert repr(sched) == "LinearDecay(epoch=3, lr=2.0)"
    assert repr(opt) == "SGD(1 parameters, lr=2.0)"
