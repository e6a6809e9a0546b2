"""fit refuses bad learning rates and bad data with the same words on every engine."""

import math

import pytest

from autograd import Value
from nn import MLP, fit, optim

pytest.importorskip("numpy")  # the batched engine

ENGINES = ["plain", "tape", "batched"]


@pytest.mark.parametrize("bad", [math.nan, -0.1, math.inf, "0.1", None])
def test_a_schedule_function_giving_a_rate_sgd_would_refuse_is_an_error(bad):
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=rf"fit\(\) schedule returned {bad!r} for epoch 1; a learning rate must be"):
        fit(model, [[1.0, 2.0]], [1.0], epochs=3, progress=False, schedule=lambda e: 0.1 if e == 0 else bad)
    assert all(math.isfinite(w) for w in model.state_dict().values())
    assert model.state_dict() != before  # epoch 0 trained; nothing after the bad rate
    with pytest.raises(ValueError, match="lr must be a finite number >= 0, got nan"):
        optim.SGD(model.parameters(), lr=math.nan)  # the rule the schedule is held to


def test_a_schedule_object_giving_a_negative_rate_is_an_error():
    model = MLP(2, [3, 1], seed=0)
    opt = optim.SGD(model.parameters(), lr=0.5)
    schedule = optim.LambdaSchedule(opt, lambda k: 1 - k)  # 0.5, 0, then -0.5
    with pytest.raises(ValueError, match="LambdaSchedule gives the learning rate -0.5 at epoch 2; a learning rate"):
        fit(model, [[1.0, 2.0]], [1.0], optimizer=opt, schedule=schedule, epochs=5, progress=False)
    assert opt.lr == 0.0 and all(math.isfinite(w) for w in model.state_dict().values())
    with pytest.raises(ValueError, match="LambdaSchedule gives the learning rate nan at epoch 0"):
        optim.LambdaSchedule(opt, lambda k: math.nan)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("X, error, message", [
    ([[1.0], [2.0, 3.0]], ValueError, r"fit() X[0]: MLP expects 2 inputs, got 1"),
    ([[1.0, 2.0], [2.0, 3.0, 4.0]], ValueError, r"fit() X[1]: MLP expects 2 inputs, got 3"),
    ([[1.0, "a"], [2.0, 3.0]], TypeError, r"fit() X[0][1] must be a number, got str: 'a'"),
    ([[1.0, 2.0], "ab"], TypeError, r"fit() X[1]: MLP expects a sequence of 2 numbers or Values, got str: 'ab'"),
    ([[1.0, math.nan], [1.0, 2.0]], ValueError, r"fit() X[0][1] is nan; training data must be finite numbers"),
    ([[1.0, 2.0], [-math.inf, 2.0]], ValueError, r"fit() X[1][0] is -inf; training data must be finite"),
])
def test_every_engine_refuses_bad_rows_with_the_same_words(engine, X, error, message):
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(error) as info:
        fit(model, X, [1.0, 0.0], engine=engine, epochs=2, progress=False)
    assert str(info.value).startswith(message)
    assert model.state_dict() == before


@pytest.mark.parametrize("engine", ENGINES)
def test_nan_labels_and_validation_rows_are_refused(engine):
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match=r"fit\(\) y\[1\] is nan; labels must be finite numbers"):
        fit(model, [[1.0, 2.0], [0.0, 1.0]], [1.0, math.nan], engine=engine, epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"fit\(\) validation_data X\[0\]: MLP expects 2 inputs, got 3"):
        fit(model, [[1.0, 2.0]], [1.0], engine=engine, epochs=1, progress=False,
            validation_data=([[1.0, 2.0, 3.0]], [1.0]))


def test_values_as_inputs_still_train():
    model = MLP(1, [1], seed=0)
    history = fit(model, [[Value(1.0)], [2.0]], [1.0, 2.0], engine="plain", epochs=2, progress=False)
    assert len(history.loss) == 2
