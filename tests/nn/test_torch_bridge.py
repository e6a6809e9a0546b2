"""to_torch / from_torch, and an MLP's outputs and every gradient against the
same network in PyTorch (float64)."""

import pytest

torch = pytest.importorskip("torch")

from autograd import Value  # noqa: E402
from nn import MLP, Layer, Neuron, losses  # noqa: E402

ROWS = [[0.5, -1.0, 0.25], [1.5, 0.3, -0.8], [-0.7, 0.8, 0.0], [0.0, 0.0, 0.0]]


def ours_out(model, rows):
    out = []
    for r in rows:
        y = model(r)
        out.append([v.data for v in y] if isinstance(y, list) else [y.data])
    return out


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "linear"])
def test_to_torch_gives_the_same_outputs(activation):
    model = MLP(3, [6, 4, 2], activation=activation, negative_slope=0.05, seed=3)
    seq = model.to_torch()
    assert all(p.dtype == torch.float64 for p in seq.parameters())
    theirs = seq(torch.tensor(ROWS, dtype=torch.float64)).tolist()
    for a, b in zip(ours_out(model, ROWS), theirs):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-12)


def test_to_torch_structure_and_weights():
    model = MLP(2, [3, 1], activation="leaky_relu", negative_slope=0.2, output_activation="sigmoid", seed=0)
    seq = model.to_torch()
    kinds = [type(m).__name__ for m in seq]
    assert kinds == ["Linear", "LeakyReLU", "Linear", "Sigmoid"]
    assert seq[1].negative_slope == 0.2
    assert seq[0].weight.tolist() == [[w.data for w in n.w] for n in model.layers[0].neurons]
    assert seq[0].bias.tolist() == [n.b.data for n in model.layers[0].neurons]
    assert [type(m).__name__ for m in MLP(2, [3, 1], seed=0).to_torch()] == ["Linear", "ReLU", "Linear"]


def test_to_torch_is_an_independent_copy():
    model = MLP(2, [2, 1], seed=0)
    seq = model.to_torch()
    with torch.no_grad():
        seq[0].weight.add_(1.0)
    assert seq[0].weight[0, 0].item() != model.layers[0].neurons[0].w[0].data


def test_layer_to_torch_and_neuron_refused():
    from nn.torch_bridge import to_torch

    layer = Layer(3, 2, activation="tanh", seed=0)
    seq = to_torch(layer)
    assert [a.data for a in layer(ROWS[0])] == pytest.approx(
        seq(torch.tensor([ROWS[0]], dtype=torch.float64))[0].tolist(), rel=1e-12)
    with pytest.raises(TypeError, match="wrap a Neuron"):
        to_torch(Neuron(2, seed=0))


def test_every_gradient_matches_a_torch_network_built_in_torch():
    """A network made by PyTorch (its own init), copied in; outputs and all 337 gradients agree."""
    torch.manual_seed(0)
    seq = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.Tanh(),
                              torch.nn.Linear(16, 1)).double()
    model = MLP.from_torch(seq)
    assert model.activations == ["relu", "tanh", "linear"] and model.num_parameters() == 337
    X = [[0.3, -0.2], [1.1, 0.4], [-0.9, 0.7], [0.05, -1.3], [0.6, 0.6]]
    y = [1, -1, 1, -1, 1]

    scores = [model(x) for x in X]
    loss = losses.hinge(scores, y) + losses.l2(model.parameters(), 1e-3)
    loss.backward()

    t_scores = seq(torch.tensor(X, dtype=torch.float64)).squeeze(1)
    t_loss = torch.clamp(1 - torch.tensor(y, dtype=torch.float64) * t_scores, min=0).mean()
    t_loss = t_loss + 1e-3 * sum((p ** 2).sum() for p in seq.parameters())
    t_loss.backward()

    assert [s.data for s in scores] == pytest.approx(t_scores.tolist(), rel=1e-12, abs=1e-13)
    assert loss.data == pytest.approx(t_loss.item(), rel=1e-12)
    linears = [m for m in seq if isinstance(m, torch.nn.Linear)]
    for layer, lin in zip(model.layers, linears):
        for j, neuron in enumerate(layer.neurons):
            assert [w.grad for w in neuron.w] == pytest.approx(lin.weight.grad[j].tolist(), rel=1e-11, abs=1e-14)
            assert neuron.b.grad == pytest.approx(lin.bias.grad[j].item(), rel=1e-11, abs=1e-14)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "leaky_relu"])
def test_gradients_of_inputs_and_weights_match_for_each_activation(activation):
    model = MLP(3, [5, 3], activation=activation, seed=8)
    seq = model.to_torch()
    xs = [Value(v) for v in ROWS[1]]
    out = model(xs)
    loss = losses.cross_entropy(out, 1)
    loss.backward()
    tx = torch.tensor([ROWS[1]], dtype=torch.float64, requires_grad=True)
    t_loss = torch.nn.functional.cross_entropy(seq(tx), torch.tensor([1]))
    t_loss.backward()
    assert loss.data == pytest.approx(t_loss.item(), rel=1e-12)
    assert [x.grad for x in xs] == pytest.approx(tx.grad[0].tolist(), rel=1e-11, abs=1e-14)
    grads = [p.grad for p in model.parameters()]
    t_grads = []
    for lin in (m for m in seq if isinstance(m, torch.nn.Linear)):
        for j in range(lin.out_features):
            t_grads += lin.weight.grad[j].tolist() + [lin.bias.grad[j].item()]
    assert grads == pytest.approx(t_grads, rel=1e-11, abs=1e-14)


def test_round_trip_through_torch_is_exact():
    model = MLP(3, [4, 4, 2], activation=["tanh", "leaky_relu", "sigmoid"], negative_slope=0.3, seed=1)
    back = MLP.from_torch(model.to_torch())
    assert back.state_dict() == model.state_dict()
    assert back.get_config() == model.get_config()


def test_from_torch_accepts_float32_identity_no_bias_and_a_bare_linear():
    seq = torch.nn.Sequential(torch.nn.Linear(2, 3, bias=False), torch.nn.Identity(), torch.nn.Linear(3, 1))
    model = MLP.from_torch(seq)
    assert model.activations == ["linear", "linear"]
    assert all(n.b.data == 0.0 for n in model.layers[0].neurons)
    assert model([1.0, 2.0]).data == pytest.approx(seq(torch.tensor([[1.0, 2.0]])).item(), rel=1e-6)
    single = MLP.from_torch(torch.nn.Linear(4, 2))
    assert single.nouts == [2] and single.activations == ["linear"]


@pytest.mark.parametrize("seq, error, message", [
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Dropout(), torch.nn.Linear(3, 1)),
     TypeError, "module 1 is Dropout"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(4, 1)),
     ValueError, "module 1 takes 4 inputs but the layer before gives 3"),
    (lambda: torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(2, 1)),
     ValueError, "comes before any Linear"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.ReLU(), torch.nn.Tanh()),
     ValueError, "right after another activation"),
    (lambda: torch.nn.Sequential(), ValueError, "at least one Linear"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.LeakyReLU(0.1), torch.nn.Linear(2, 1),
                                 torch.nn.LeakyReLU(0.2)), ValueError, "LeakyReLU slopes differ"),
    (lambda: torch.nn.ReLU(), TypeError, "needs a torch.nn.Sequential, got ReLU"),
])
def test_from_torch_errors(seq, error, message):
    with pytest.raises(error, match=message):
        MLP.from_torch(seq())


def test_from_torch_refuses_non_finite_weights():
    lin = torch.nn.Linear(2, 1).double()
    with torch.no_grad():
        lin.weight[0, 1] = float("nan")
    with pytest.raises(ValueError, match="non-finite weight"):
        MLP.from_torch(torch.nn.Sequential(lin))
