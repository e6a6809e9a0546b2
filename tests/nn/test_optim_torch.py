"""Optimizers and schedules against torch.optim, step for step, on the same model."""

import random

import pytest

torch = pytest.importorskip("torch")

from nn import MLP, data, fit, optim  # noqa: E402

REL = 1e-12
X = [[0.5, -1.0], [1.5, 0.25], [-0.7, 0.8], [0.1, 0.1], [-1.2, -0.4], [0.9, -0.6]]
Y = [0.3, -0.5, 1.0, 0.0, 0.7, -1.2]


def torch_state(seq):
    """The torch model's weights under our parameter names."""
    state = {}
    linears = [m for m in seq if isinstance(m, torch.nn.Linear)]
    for i, lin in enumerate(linears):
        for j in range(lin.out_features):
            for k in range(lin.in_features):
                state[f"layers.{i}.neurons.{j}.w.{k}"] = lin.weight[j, k].item()
            state[f"layers.{i}.neurons.{j}.b"] = lin.bias[j].item()
    return state


def assert_same_weights(model, seq):
    ours, theirs = model.state_dict(), torch_state(seq)
    assert list(ours) == list(theirs)
    for name in ours:
        assert ours[name] == pytest.approx(theirs[name], rel=REL, abs=1e-14), name


def our_step(model, opt, xs, ys):
    opt.zero_grad()
    outs = [model(x) for x in xs]
    loss = sum(((o - y) ** 2 for o, y in zip(outs, ys)), 0.0) * (1.0 / len(ys))
    loss.backward()
    opt.step()
    return loss.data


def their_step(seq, opt, xs, ys):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(seq(torch.tensor(xs, dtype=torch.float64)).squeeze(1),
                                        torch.tensor(ys, dtype=torch.float64))
    loss.backward()
    opt.step()
    return loss.item()


CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)),
    ("SGD", dict(lr=0.1, weight_decay=0.1)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6)),
    ("Adam", dict(lr=0.01, weight_decay=0.05)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.02, weight_decay=0.1, betas=(0.85, 0.995))),
]


@pytest.mark.parametrize("name, kwargs", CONFIGS, ids=[f"{n}-{'-'.join(k)}" for n, k in CONFIGS])
def test_optimizer_matches_torch_step_for_step(name, kwargs):
    model = MLP(2, [5, 3, 1], activation="tanh", seed=4)
    seq = model.to_torch()
    ours = getattr(optim, name)(model.parameters(), **kwargs)
    theirs = getattr(torch.optim, name)(seq.parameters(), **kwargs)
    for step in range(8):
        rows = [(step + i) % len(X) for i in range(3)]      # a different batch each step
        xs, ys = [X[r] for r in rows], [Y[r] for r in rows]
        assert our_step(model, ours, xs, ys) == pytest.approx(their_step(seq, theirs, xs, ys), rel=REL)
        assert_same_weights(model, seq)


def lrs_ours(make, epochs):
    opt = optim.SGD(MLP(1, [1], seed=0).parameters(), lr=0.8)
    sched = make(opt)
    out = []
    for _ in range(epochs):
        out.append(opt.lr)
        sched.step()
    return out


def lrs_torch(make, epochs):
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.8)
    sched = make(opt)
    out = []
    for _ in range(epochs):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


SCHEDULES = [
    ("linear 1 -> 0.1 over 100", lambda o: optim.linear_decay(o, start_factor=1.0, end_factor=0.1, total_iters=100),
     lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=100)),
    ("linear 0.5 -> 1 over 7", lambda o: optim.linear_decay(o, start_factor=0.5, end_factor=1.0, total_iters=7),
     lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.5, end_factor=1.0, total_iters=7)),
    ("step 3 x0.5", lambda o: optim.step_decay(o, step_size=3, gamma=0.5),
     lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
    ("step alias", lambda o: optim.step(o, 10),
     lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=10)),
    ("lambda", lambda o: optim.LambdaSchedule(o, lambda k: 0.95 ** k),
     lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda k: 0.95 ** k)),
]


@pytest.mark.parametrize("name, ours, theirs", SCHEDULES, ids=[s[0] for s in SCHEDULES])
def test_schedules_match_torch_epoch_for_epoch(name, ours, theirs):
    a, b = lrs_ours(ours, 120), lrs_torch(theirs, 120)
    assert a == pytest.approx(b, rel=REL)


def test_micrograds_schedule_is_linear_decay():
    lrs = lrs_ours(lambda o: optim.linear_decay(o, end_factor=0.1, total_iters=100), 100)
    assert lrs == pytest.approx([0.8 * (1.0 - 0.9 * k / 100) for k in range(100)], rel=REL)


@pytest.mark.parametrize("batch_size", [1, 4, None])
def test_fit_trains_like_a_torch_loop(batch_size):
    """fit(): same batches (shuffled by random.Random(seed)), same steps, same schedule as torch."""
    X2, y2 = data.moons(n=10, noise=0.1, seed=3)
    model = MLP(2, [4, 1], activation="tanh", seed=2)
    seq = model.to_torch()
    opt = optim.SGD(model.parameters(), lr=0.3, momentum=0.5)
    history = fit(model, X2, y2, loss="bce_logits", optimizer=opt, epochs=4, batch_size=batch_size, seed=7,
                  schedule=optim.step_decay(opt, step_size=2, gamma=0.5), progress=False)

    topt = torch.optim.SGD(seq.parameters(), lr=0.3, momentum=0.5)
    tsched = torch.optim.lr_scheduler.StepLR(topt, step_size=2, gamma=0.5)
    rng = random.Random(7)
    size = batch_size or len(X2)
    losses = []
    for _ in range(4):
        order = list(range(len(X2)))
        if size < len(X2):
            rng.shuffle(order)
        total = 0.0
        for i in range(0, len(order), size):
            rows = order[i:i + size]
            topt.zero_grad()
            out = seq(torch.tensor([X2[r] for r in rows], dtype=torch.float64)).squeeze(1)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                out, torch.tensor([float(y2[r]) for r in rows], dtype=torch.float64))
            loss.backward()
            topt.step()
            total += loss.item() * len(rows)
        losses.append(total / len(X2))
        tsched.step()
    assert history.loss == pytest.approx(losses, rel=1e-11)
    assert history.lr == [0.3, 0.3, 0.15, 0.15]
    assert_same_weights(model, seq)


def test_l2_in_fit_is_weight_decay_of_twice_alpha():
    """l2 = alpha adds alpha * sum(p^2) to the loss: the gradient 2 alpha p is SGD's weight_decay = 2 alpha."""
    model = MLP(2, [3, 1], activation="tanh", seed=5)
    seq = model.to_torch()
    fit(model, X, Y, loss="mse", lr=0.1, epochs=3, l2=0.05, progress=False)
    topt = torch.optim.SGD(seq.parameters(), lr=0.1, weight_decay=0.1)
    for _ in range(3):
        their_step(seq, topt, X, Y)
    assert_same_weights(model, seq)
