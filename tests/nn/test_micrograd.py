"""micrograd compatibility: same weights after the same seed, same printout, same
training losses; and the 1-wide hidden layer that breaks micrograd works here."""

import random

import pytest

micrograd_nn = pytest.importorskip("micrograd.nn")

from nn import MLP, Layer, Neuron, data, fit, optim  # noqa: E402


def test_same_seed_gives_micrograds_very_weights():
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    random.seed(1337)
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    assert len(ours.parameters()) == 337
    # and both consumed the same number of draws from the global generator
    random.seed(1337)
    MLP(2, [16, 16, 1])
    after_ours = random.random()
    random.seed(1337)
    micrograd_nn.MLP(2, [16, 16, 1])
    assert random.random() == after_ours


def test_neurons_and_layers_match_too():
    random.seed(5)
    a = Neuron(3, nonlin=False)
    random.seed(5)
    b = micrograd_nn.Neuron(3, nonlin=False)
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert repr(a) == repr(b) == "LinearNeuron(3)"
    random.seed(5)
    la = Layer(3, 4)
    random.seed(5)
    lb = micrograd_nn.Layer(3, 4)
    assert [p.data for p in la.parameters()] == [p.data for p in lb.parameters()]
    x = [0.5, -1.0, 2.0]
    assert [v.data for v in la(x)] == [v.data for v in lb(x)]


def test_printouts():
    """Neurons print as micrograd's do; a whole network prints on one line (micrograd lists every neuron)."""
    random.seed(0)
    ours = MLP(2, [16, 16, 1])
    random.seed(0)
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    assert [repr(n) for layer in ours.layers for n in layer.neurons] == \
        [repr(n) for layer in theirs.layers for n in layer.neurons]
    assert repr(ours) == "MLP(2, [16, 16, 1], activation='relu')"
    assert repr(theirs).startswith("MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ")


def test_same_training_steps_give_the_same_losses():
    """micrograd's moons demo loop, 4 steps on 20 points, against fit() with the same settings."""
    X, y = data.moons(n=20, noise=0.1, seed=1, labels=(-1, 1))

    random.seed(1337)
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    their_losses, their_acc = [], []
    for k in range(4):
        scores = [theirs(x) for x in X]
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in theirs.parameters())
        total = data_loss + reg_loss
        their_acc.append(sum((yi > 0) == (si.data > 0) for yi, si in zip(y, scores)) / len(y))
        theirs.zero_grad()
        total.backward()
        for p in theirs.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        their_losses.append(total.data)

    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    opt = optim.SGD(ours.parameters(), lr=1.0)
    history = fit(ours, X, y, loss="hinge", optimizer=opt, epochs=4, l2=1e-4, progress=False,
                  schedule=optim.linear_decay(opt, end_factor=0.1, total_iters=100))
    # micrograd sums gradients in an order set by hashing, so allow rounding
    assert history.loss == pytest.approx(their_losses, rel=1e-12)
    assert history.accuracy == their_acc
    assert [p.data for p in ours.parameters()] == pytest.approx([p.data for p in theirs.parameters()], rel=1e-10)


def test_one_wide_hidden_layer_breaks_micrograd_but_not_us():
    random.seed(0)
    with pytest.raises(TypeError):
        micrograd_nn.MLP(2, [16, 1, 1])([1.0, 2.0])
    random.seed(0)
    assert MLP(2, [16, 1, 1])([1.0, 2.0]).data == MLP(2, [16, 1, 1], seed=random.Random(0))([1.0, 2.0]).data
