"""The activation table: every record against PyTorch (outputs, first and second derivatives
through a whole MLP), the round trip through torch, and every reader of the table."""

import pytest

torch = pytest.importorskip("torch")

from autograd import Value, grad, ops  # noqa: E402
from nn import MLP, activations  # noqa: E402
from nn.layers import ACTIVATIONS  # noqa: E402

NAMES = list(activations.TABLE)
ROWS = [[0.5, -1.0, 0.25], [1.5, 0.3, -0.8], [-0.7, 0.8, 0.0], [0.0, 0.0, 0.0], [-2.5, 1.7, 3.1]]


def test_every_record_names_an_op_a_value_method_and_a_torch_module():
    assert tuple(NAMES) == ACTIVATIONS
    for act in activations.TABLE.values():
        assert isinstance(getattr(torch.nn, act.torch), type), act.name
        if act.method is not None:
            x = Value(0.3)
            op = (x.leaky_relu(0.1) if act.slope else getattr(x, act.method)())._fn
            assert op.name in ops.OPS or op.name in ops.FAMILIES, act.name


@pytest.mark.parametrize("name", NAMES)
def test_outputs_match_the_torch_network(name):
    model = MLP(3, [6, 4, 2], activation=name, negative_slope=0.05, seed=3)
    seq = model.to_torch()
    theirs = seq(torch.tensor(ROWS, dtype=torch.float64)).tolist()
    for row, want in zip(ROWS, theirs):
        assert [v.data for v in model(row)] == pytest.approx(want, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_first_and_second_derivatives_match_the_torch_network(name):
    """d out / d x and d²out / dx0 dx_i through the whole MLP, by grad(grad(...)) against
    torch.autograd.grad(create_graph=True)."""
    model = MLP(3, [5, 1], activation=name, negative_slope=0.05, seed=4)
    seq = model.to_torch()
    for row in ROWS[:4]:
        first = grad(lambda *x: model(list(x)), argnums=(0, 1, 2))(*row)
        second = grad(lambda *x: grad(lambda *y: model(list(y)), argnums=0)(*x), argnums=(0, 1, 2))(*row)
        tx = torch.tensor(row, dtype=torch.float64, requires_grad=True)
        (g,) = torch.autograd.grad(seq(tx[None])[0, 0], tx, create_graph=True)
        (h,) = torch.autograd.grad(g[0], tx, allow_unused=True) if g.requires_grad else (None,)
        h = torch.zeros(3, dtype=torch.float64) if h is None else h
        assert list(first) == pytest.approx(g.tolist(), rel=1e-11, abs=1e-13), (name, row)
        assert list(second) == pytest.approx(h.tolist(), rel=1e-10, abs=1e-12), (name, row)


@pytest.mark.parametrize("name", NAMES)
def test_round_trip_through_torch(name):
    model = MLP(2, [3, 2], activation=name, negative_slope=0.3, seed=1)
    back = MLP.from_torch(model.to_torch())
    assert back.state_dict() == model.state_dict()
    assert back.activations == model.activations


def test_the_tanh_approximation_of_gelu_is_refused():
    seq = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.GELU(approximate="tanh"), torch.nn.Linear(2, 1))
    with pytest.raises(TypeError, match=r"GELU\(approximate='none'\).*module 1 is GELU"):
        MLP.from_torch(seq)


def test_aliases_and_unknown_names():
    assert MLP(2, [2, 1], activation="Swish").activations == ["silu", "linear"]
    assert MLP(2, [2, 1], activation="identity").activations == ["linear", "linear"]
    with pytest.raises(ValueError, match="choose one of relu, tanh, sigmoid, leaky_relu, gelu, silu, linear"):
        MLP(2, [1], activation="softmax")
    with pytest.raises(TypeError, match=r"MLP\(\) activation must be a name or a list of names, got int: 3"):
        MLP(2, [1], activation=3)
    with pytest.raises(TypeError, match="activation must be a name, got int"):
        MLP(2, [2, 1], activation=["tanh", 3])


@pytest.mark.parametrize("name", NAMES)
def test_the_network_picture_labels_each_neuron_from_the_table(name):
    from viz import draw_network

    model = MLP(2, [2, 1], activation=name, output_activation=name, seed=0)
    source = draw_network(model, x=[0.5, -0.5]).source
    assert source.count(f'<font point-size="8">{activations.TABLE[name].label}</font>') == 3
    assert repr(model.layers[0].neurons[0]) == f"{activations.TABLE[name].display}Neuron(2)"
