"""fit's engines: tape and batched give plain's results; auto picks the fastest that applies."""

import io
import math
import subprocess
import sys

import pytest

from nn import MLP, data, fit, optim
from nn.engines import AUTO_BATCHED_MIN_ROWS, choose_engine

pytest.importorskip("numpy")


def close(a, b, rel=1e-9, abs_=1e-12):
    return all(math.isclose(x, y, rel_tol=rel, abs_tol=abs_) for x, y in zip(a, b)) and len(a) == len(b)


def train(engine, loss, X, y, nouts, epochs=6, batch_size=None, l2=1e-3, optimizer="sgd", **kw):
    model = MLP(len(X[0]), nouts, activation="tanh", seed=7)
    params = model.parameters()
    opt = optim.SGD(params, lr=0.3, momentum=0.5) if optimizer == "sgd" else optim.Adam(params, lr=0.02)
    history = fit(model, X, y, loss=loss, optimizer=opt, epochs=epochs, batch_size=batch_size, l2=l2,
                  engine=engine, progress=False, seed=3, **kw)
    return history, model


CASES = {
    "hinge": lambda: (*data.moons(n=40, noise=0.1, seed=1), [8, 1]),
    "bce_logits": lambda: (*data.circles(n=40, seed=2), [8, 1]),
    "cross_entropy": lambda: (*data.spiral(n=30, classes=3, seed=0), [8, 3]),
    "mse": lambda: ([[a, b] for a, b in data.moons(n=32, seed=4)[0]],
                    [[a * b, a - b] for a, b in data.moons(n=32, seed=4)[0]], [8, 2]),
}


@pytest.mark.parametrize("loss", sorted(CASES))
@pytest.mark.parametrize("batch_size", [None, 16])
def test_batched_equals_plain_up_to_rounding(loss, batch_size):
    X, y, nouts = CASES[loss]()
    plain, plain_model = train("plain", loss, X, y, nouts, batch_size=batch_size)
    batched, batched_model = train("batched", loss, X, y, nouts, batch_size=batch_size)
    assert (plain.engine, batched.engine) == ("plain", "batched")
    assert close(plain.loss, batched.loss)
    assert plain.accuracy == batched.accuracy
    assert close(list(plain_model.state_dict().values()), list(batched_model.state_dict().values()))


@pytest.mark.parametrize("loss", ["hinge", "bce_logits", "mse"])
def test_tape_is_plain_bit_for_bit(loss):
    X, y, nouts = CASES[loss]()
    plain, plain_model = train("plain", loss, X, y, nouts, optimizer="adam")
    taped, taped_model = train("tape", loss, X, y, nouts, optimizer="adam")
    assert taped.engine == "tape"
    assert taped.loss == plain.loss and taped.accuracy == plain.accuracy
    assert taped_model.state_dict() == plain_model.state_dict()


def test_tape_with_cross_entropy_agrees_up_to_rounding():
    X, y, nouts = CASES["cross_entropy"]()
    plain, _ = train("plain", "cross_entropy", X, y, nouts)
    taped, _ = train("tape", "cross_entropy", X, y, nouts)
    assert close(plain.loss, taped.loss)


def test_micrograd_demo_with_the_batched_engine():
    X, y = data.moons(n=100, noise=0.1, seed=1, labels=(-1, 1))
    model = MLP(2, [16, 16, 1], seed=1337)
    opt = optim.SGD(model.parameters(), lr=1.0)
    history = fit(model, X, y, loss="hinge", optimizer=opt, l2=1e-4, epochs=100, progress=False,
                  schedule=optim.linear_decay(opt, start_factor=1.0, end_factor=0.1, total_iters=100))
    assert history.engine == "batched"  # auto: a known loss, 100 rows a step
    assert history.accuracy[-1] >= 0.97


def test_auto_choices():
    from nn import Module, losses

    m = MLP(2, [4, 1], seed=0)
    assert choose_engine("auto", "hinge", AUTO_BATCHED_MIN_ROWS, 100, model=m) == "batched"
    assert choose_engine("auto", "hinge", AUTO_BATCHED_MIN_ROWS - 1, 100, model=m) == "plain"
    assert choose_engine("auto", "bce", 100, 100, model=m) == "plain"
    assert choose_engine("auto", lambda o, t: o, 100, 100, model=m) == "plain"
    assert choose_engine("auto", losses.cross_entropy, 50, 50, model=m) == "batched"

    class Mine(Module):  # a model of your own may branch on the data: never traced by auto
        def __init__(self):
            self.inner = MLP(2, [4, 1], seed=0)

        def forward(self, x):
            return self.inner(x)

    assert choose_engine("auto", "hinge", 100, 100, model=Mine()) == "plain"
    X, y = data.xor()
    assert fit(MLP(2, [3, 1], seed=0), X, y, loss="bce_logits", epochs=1, batch_size=1,
               progress=False).engine == "plain"


def test_auto_takes_the_exact_tape_for_long_full_batch_runs_without_numpy(monkeypatch):
    from nn import engines
    from nn.engines import AUTO_TAPE_MIN_EPOCHS

    monkeypatch.setattr(engines, "_numpy_available", lambda: False)
    m = MLP(2, [4, 1], seed=0)
    assert choose_engine("auto", "hinge", 40, 40, epochs=AUTO_TAPE_MIN_EPOCHS, model=m) == "tape"
    assert choose_engine("auto", "hinge", 40, 40, epochs=AUTO_TAPE_MIN_EPOCHS - 1, model=m) == "plain"
    assert choose_engine("auto", "bce", 40, 40, epochs=100, model=m) == "plain"  # not exact on a tape (the clamp)
    # cross_entropy is: its logsumexp is one node, so no shift chosen from the first step's numbers is recorded
    assert choose_engine("auto", "cross_entropy", 40, 40, epochs=100, model=m) == "tape"
    assert choose_engine("auto", "hinge", 20, 40, epochs=100, model=m) == "plain"  # mini-batches


def test_the_progress_bar_says_which_engine(monkeypatch):
    X, y, nouts = CASES["hinge"]()
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    fit(MLP(2, nouts, seed=0), X, y, loss="hinge", epochs=2, progress=True)
    assert "fit (batched)" in err.getvalue()


def test_engine_errors():
    X, y, nouts = CASES["hinge"]()
    model = MLP(2, nouts, seed=0)
    with pytest.raises(ValueError, match="engine must be one of 'auto', 'plain', 'tape', 'batched', got 'fast'"):
        fit(model, X, y, loss="hinge", engine="fast", progress=False)
    with pytest.raises(ValueError, match="knows the losses .* not 'bce'"):
        fit(model, X, y, loss="bce", engine="batched", progress=False)
    with pytest.raises(ValueError, match="needs full-batch training"):
        fit(model, X, y, loss="hinge", engine="tape", batch_size=8, progress=False)
    with pytest.raises(ValueError, match=r"hinge\(\) targets must be \+1 or -1"):
        fit(model, X, [2] * len(y), loss="hinge", engine="batched", progress=False)
    Xs, ys, nouts = CASES["cross_entropy"]()
    with pytest.raises(ValueError, match="targets: 3 is not a class index for 3 scores"):  # the same words as plain
        fit(MLP(2, nouts, seed=0), Xs, [3] * len(ys), loss="cross_entropy", engine="batched", progress=False)


def test_batched_without_numpy_says_what_to_install():
    code = ("import sys; sys.modules['numpy'] = None\n"
            "from nn import MLP, data, fit\nfrom nn.engines import choose_engine\n"
            "assert choose_engine('auto', 'hinge', 100, 100) == 'plain'\n"
            "X, y = data.moons(n=20, seed=1)\n"
            "try:\n    fit(MLP(2, [4, 1], seed=0), X, y, loss='hinge', engine='batched', progress=False)\n"
            "except ImportError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "pip install 'chainrule[fast]'" in out
