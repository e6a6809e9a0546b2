"""fit() holds CPython's cyclic collector during each step and gives it back after."""

import gc

import pytest

from nn import MLP, fit, losses


def test_the_collector_is_held_during_a_step_and_restored_after():
    seen = []

    def loss(outputs, targets):
        seen.append(gc.isenabled())
        return losses.mse(outputs, targets)

    model = MLP(2, [3, 1], seed=0)
    assert gc.isenabled()
    fit(model, [[0.0, 1.0], [1.0, 0.0]], [1.0, -1.0], loss=loss, epochs=3, engine="plain", progress=False)
    assert seen == [False, False, False] and gc.isenabled()


def test_a_collector_switched_off_by_the_user_stays_off():
    model = MLP(2, [3, 1], seed=0)
    gc.disable()
    try:
        fit(model, [[0.0, 1.0]], [1.0], epochs=2, engine="plain", progress=False)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_in_a_step_gives_the_collector_back():
    def broken(outputs, targets):
        raise RuntimeError("boom")

    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(RuntimeError, match="boom"):
        fit(model, [[0.0, 1.0]], [1.0], loss=broken, epochs=1, engine="plain", progress=False)
    assert gc.isenabled()
