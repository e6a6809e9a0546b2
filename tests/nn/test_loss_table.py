"""The loss table: each record is what nn.losses and every engine of fit read (names, term,
target check, which engines run it and which give plain's floats bit for bit)."""

import math

import pytest

from autograd import Value
from nn import MLP, Module, data, fit, losses, optim
from nn.engines import BATCHED_LOSSES, TAPE_EXACT_LOSSES, choose_engine

pytest.importorskip("numpy")

CASES = {
    "mse": lambda: ([[a, b] for a, b in data.moons(n=24, seed=4)[0]],
                    [[a * b, a - b] for a, b in data.moons(n=24, seed=4)[0]], [6, 2]),
    "bce": lambda: (*data.circles(n=24, seed=2), [6, 1]),
    "bce_logits": lambda: (*data.circles(n=24, seed=2), [6, 1]),
    "hinge": lambda: (*data.moons(n=24, noise=0.1, seed=1), [6, 1]),
    "cross_entropy": lambda: (*data.spiral(n=12, classes=3, seed=0), [6, 3]),
}


def test_every_record_has_a_case_and_every_name_finds_it():
    assert set(CASES) == set(losses.TABLE)
    for record in losses.TABLE.values():
        for name in (record.name, *record.aliases, record.name.upper()):
            assert losses.lookup(name) is record and losses.get(name) is record.function
        assert losses.lookup(record.function) is record
        assert "plain" in record.engines and "plain" in record.exact and set(record.exact) <= set(record.engines)
    # what the engines read from the records is what they used to spell out by hand
    # (cross_entropy joined the exact ones when its logsumexp became one stable node: no shift chosen from
    # the first step's numbers is recorded any more)
    assert {"mse", "hinge", "bce_logits", "bce_with_logits", "cross_entropy", "ce"} == TAPE_EXACT_LOSSES
    assert BATCHED_LOSSES == {"mse": "mse", "hinge": "hinge", "bce_logits": "bce_logits",
                              "bce_with_logits": "bce_logits", "cross_entropy": "cross_entropy", "ce": "cross_entropy"}


def train(engine, name, epochs=3):
    X, y, nouts = CASES[name]()
    out = "sigmoid" if name == "bce" else None
    model = MLP(len(X[0]), nouts, activation="tanh", output_activation=out, seed=5)
    opt = optim.SGD(model.parameters(), lr=0.2)
    history = fit(model, X, y, loss=name, optimizer=opt, epochs=epochs, l2=1e-3, engine=engine, progress=False)
    return history, model


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_engine_the_record_names_runs_it_exactly_where_it_says(name):
    record = losses.TABLE[name]
    plain, plain_model = train("plain", name)
    for engine in record.engines:
        history, model = train(engine, name)
        assert history.engine == engine
        if engine in record.exact:
            assert history.loss == plain.loss and model.state_dict() == plain_model.state_dict(), engine
        else:
            assert all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(history.loss, plain.loss)), engine
    for engine in {"tape", "batched"} - set(record.engines):
        with pytest.raises(ValueError, match="knows the losses|replays one recorded graph, and"):
            train(engine, name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_term_with_labels_as_values_is_the_term_with_numbers(name):
    """The batched engine traces the record's term with the labels as graph inputs; the plain
    functions fold the numbers in. Both are the same loss."""
    record = losses.TABLE[name]
    X, y, nouts = CASES[name]()
    model = MLP(len(X[0]), nouts, activation="tanh", output_activation="sigmoid" if name == "bce" else None,
                seed=2)
    for x, t in zip(X[:8], y[:8]):
        out = model(x)
        outs = out if isinstance(out, list) else [out]
        if record.classes:
            index = record.label(t, len(outs))
            with_numbers = record.term(outs, index)
            with_values = record.term(outs, [Value(1.0 if i == index else 0.0) for i in range(len(outs))])
        else:
            ts = [record.label(v) for v in (t if isinstance(t, list) else [t])]
            with_numbers = record.sample(outs, ts)
            with_values = record.sample(outs, [Value(v) for v in ts])
        assert math.isclose(with_numbers.data, with_values.data, rel_tol=1e-12, abs_tol=1e-15)


@pytest.mark.parametrize(("name", "target", "message"), [
    ("hinge", 2, r"hinge\(\) targets must be \+1 or -1 \(0 is read as -1\), got 2.0"),
    ("bce_logits", 1.5, r"binary_cross_entropy\(\) targets must be in \[0, 1\]"),
    ("cross_entropy", 5, r"cross_entropy\(\) targets: 5 is not a class index for 3 scores"),
    ("cross_entropy", 0.5, r"cross_entropy\(\) targets must be class indices \(ints\), got float: 0.5"),
])
@pytest.mark.parametrize("engine", ["plain", "batched"])
def test_a_bad_target_is_the_same_error_in_every_engine(name, target, message, engine):
    X, y, nouts = CASES[name]()
    y = list(y)
    y[3] = target
    model = MLP(len(X[0]), nouts, seed=0)
    with pytest.raises((ValueError, TypeError), match=message):
        fit(model, X, y, loss=name, epochs=1, engine=engine, progress=False)


def test_a_module_of_yours_opts_into_the_traced_engines():
    class Mine(Module):
        def __init__(self):
            self.inner = MLP(2, [4, 1], activation="tanh", seed=0)

        def forward(self, x):
            return self.inner(x)

    class Declared(Mine):
        fixed_graph = True

    assert choose_engine("auto", "hinge", 24, 24, model=Mine()) == "plain"
    assert choose_engine("auto", "hinge", 24, 24, model=Declared()) == "batched"
    X, y = data.moons(n=24, noise=0.1, seed=1)
    plain, traced = Mine(), Declared()
    h1 = fit(plain, X, y, loss="hinge", epochs=3, progress=False)
    h2 = fit(traced, X, y, loss="hinge", epochs=3, progress=False)
    assert (h1.engine, h2.engine) == ("plain", "batched")
    assert all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(h1.loss, h2.loss))
