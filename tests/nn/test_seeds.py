"""One rule for every seed in nn (weights, data sets, fit's shuffling): an int gives its own
generator, a random.Random is used as it is, and None means the global random module."""

import random

import pytest

from nn import MLP, data, fit
from nn.init import rng_from


def weights(seed):
    return list(MLP(2, [3, 1], seed=seed).state_dict().values())


def shuffled_fit(seed):
    X, y = data.moons(n=12, seed=0)
    model = MLP(2, [3, 1], seed=1)
    fit(model, X, y, loss="hinge", epochs=2, batch_size=4, seed=seed, engine="plain", progress=False)
    return list(model.state_dict().values())


@pytest.mark.parametrize("draw", [weights, lambda s: data.moons(n=10, seed=s), shuffled_fit],
                         ids=["weights", "data", "fit"])
def test_none_means_the_global_random_module(draw):
    random.seed(5)
    first = draw(None)
    random.seed(5)
    assert draw(None) == first
    random.seed(6)
    assert draw(None) != first


@pytest.mark.parametrize("draw", [weights, lambda s: data.moons(n=10, seed=s), shuffled_fit],
                         ids=["weights", "data", "fit"])
def test_an_int_and_a_generator(draw):
    assert draw(3) == draw(3) != draw(4)
    assert draw(random.Random(3)) == draw(3)


@pytest.mark.parametrize("call", [lambda: MLP(2, [1], seed="x"), lambda: data.moons(seed=1.5),
                                  lambda: shuffled_fit("x"), lambda: rng_from(True)],
                         ids=["weights", "data", "fit", "bool"])
def test_anything_else_is_a_type_error(call):
    with pytest.raises(TypeError, match="seed must be None, an int or a random.Random"):
        call()
