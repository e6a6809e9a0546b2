"""Neuron, Layer and MLP: construction, forward values, activations, init, errors, printing."""

import math
import random

import pytest

from autograd import Value
from nn import ACTIVATIONS, MLP, Init, Layer, Neuron, constant


def by_hand(activation, a, slope=0.01):
    return {
        "relu": max(a, 0.0),
        "tanh": math.tanh(a),
        "sigmoid": 1 / (1 + math.exp(-a)),
        "leaky_relu": a if a > 0 else slope * a,
        "gelu": a * (1 + math.erf(a / math.sqrt(2))) / 2,
        "silu": a / (1 + math.exp(-a)),
        "linear": a,
    }[activation]


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("x", [[0.5, -1.5], [2.0, 1.0], [-3.0, 0.25]])
def test_neuron_computes_activation_of_weighted_sum(activation, x):
    n = Neuron(2, activation=activation, seed=7, negative_slope=0.2)
    w, b = [p.data for p in n.w], n.b.data
    a = b + w[0] * x[0] + w[1] * x[1]
    assert n(x).data == pytest.approx(by_hand(activation, a, 0.2), rel=1e-15, abs=1e-15)


def test_neuron_gradients_by_hand():
    n = Neuron(2, activation="tanh", init=constant(0.5))
    y = n([1.0, -3.0])
    y.backward()
    d = 1 - y.data ** 2
    assert [p.grad for p in n.parameters()] == pytest.approx([d * 1.0, d * -3.0, d], rel=1e-15)


def test_inputs_may_be_values_and_get_gradients():
    model = MLP(2, [3, 1], activation="tanh", seed=1)
    x = [Value(0.3), Value(-0.7)]
    model(x).backward()
    assert all(xi.grad != 0.0 for xi in x)


def test_aliases_and_micrograd_nonlin():
    assert Neuron(2, activation="identity", seed=0).activation == "linear"
    assert Neuron(2, activation="ReLU", seed=0).activation == "relu"
    assert Neuron(2, nonlin=False, seed=0).activation == "linear"
    assert Neuron(2, nonlin=True, seed=0).activation == "relu"
    assert Neuron(2, seed=0).activation == "relu"           # micrograd's default
    assert Layer(2, 3, nonlin=False, seed=0).activation == "linear"
    assert Neuron(2, nonlin=False, seed=0).nonlin is False
    with pytest.raises(ValueError, match="not both"):
        Neuron(2, activation="tanh", nonlin=True)
    with pytest.raises(ValueError, match="unknown activation 'softmax'"):
        Neuron(2, activation="softmax")
    with pytest.raises(TypeError, match="activation must be a name"):
        Neuron(2, activation=3)  # type: ignore[arg-type]


def test_mlp_activations_per_layer():
    assert MLP(2, [4, 4, 1], seed=0).activations == ["relu", "relu", "linear"]
    assert MLP(2, [4, 4, 1], activation="tanh", seed=0).activations == ["tanh", "tanh", "linear"]
    assert MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", seed=0).activations == ["tanh", "sigmoid"]
    assert MLP(2, [4, 3, 2], activation=["tanh", "leaky_relu", "sigmoid"], seed=0).activations == \
        ["tanh", "leaky_relu", "sigmoid"]
    assert MLP(2, [1], seed=0).activations == ["linear"]
    assert MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", seed=0).output_activation == "sigmoid"
    with pytest.raises(ValueError, match="2 activations for 3 layers"):
        MLP(2, [4, 4, 1], activation=["tanh", "tanh"])
    with pytest.raises(ValueError, match="output_activation"):
        MLP(2, [4, 1], activation=["tanh", "linear"], output_activation="sigmoid")


def test_mlp_forward_matches_layer_by_layer_computation():
    model = MLP(3, [4, 2], activation="tanh", output_activation="sigmoid", seed=5)
    x = [0.1, -0.2, 0.3]
    h = [math.tanh(n.b.data + sum(w.data * xi for w, xi in zip(n.w, x))) for n in model.layers[0].neurons]
    o = [1 / (1 + math.exp(-(n.b.data + sum(w.data * hi for w, hi in zip(n.w, h)))))
         for n in model.layers[1].neurons]
    out = model(x)
    assert isinstance(out, list) and len(out) == 2
    assert [v.data for v in out] == pytest.approx(o, rel=1e-14)


def test_single_output_is_a_value_and_one_wide_hidden_layers_work():
    out = MLP(2, [16, 16, 1], seed=0)([1.0, 2.0])
    assert isinstance(out, Value)
    # micrograd breaks on a 1-wide hidden layer; here hidden layers always pass lists on
    model = MLP(2, [16, 1, 1], seed=0)
    y = model([1.0, -1.0])
    assert isinstance(y, Value)
    hidden = model.layers[1].neurons[0]
    h1 = [n(x=[1.0, -1.0]).data for n in model.layers[0].neurons]
    h2 = max(0.0, hidden.b.data + sum(w.data * h for w, h in zip(hidden.w, h1)))
    last = model.layers[2].neurons[0]
    assert y.data == pytest.approx(last.b.data + last.w[0].data * h2, rel=1e-14)
    assert isinstance(MLP(2, [1, 3], seed=0)([1.0, 2.0]), list)


def test_layer_returns_a_value_for_one_neuron_like_micrograd():
    assert isinstance(Layer(2, 1, seed=0)([1.0, 2.0]), Value)
    assert len(Layer(2, 3, seed=0)([1.0, 2.0])) == 3


def test_wrong_number_of_inputs_is_a_value_error():
    with pytest.raises(ValueError, match=r"^MLP expects 2 inputs, got 3$"):
        MLP(2, [3, 1], seed=0)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"^MLP expects 2 inputs, got 1$"):
        MLP(2, [3, 1], seed=0)([1.0])
    with pytest.raises(ValueError, match=r"^Layer expects 3 inputs, got 2$"):
        Layer(3, 2, seed=0)([1.0, 2.0])
    with pytest.raises(ValueError, match=r"^Neuron expects 1 input, got 2$"):
        Neuron(1, seed=0)([1.0, 2.0])
    with pytest.raises(TypeError, match="MLP input 1 must be a number or a Value, got str"):
        MLP(2, [1], seed=0)([1.0, "2"])
    with pytest.raises(TypeError, match="expects a sequence of 2"):
        MLP(2, [1], seed=0)(None)


def test_one_input_models_take_a_bare_number():
    model = MLP(1, [1], init=constant(2.0))
    assert model(3.0).data == 8.0 == model([3.0]).data == model((3,)).data


def test_constructor_errors():
    for bad, error in [(0, ValueError), (-1, ValueError), (2.0, TypeError), (True, TypeError)]:
        with pytest.raises(error):
            MLP(bad, [1])
        with pytest.raises(error):
            MLP(2, [bad])
    with pytest.raises(ValueError, match="at least one layer"):
        MLP(2, [])
    with pytest.raises(TypeError, match="list of layer sizes"):
        MLP(2, 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="seed must be"):
        MLP(2, [1], seed="x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative_slope"):
        MLP(2, [1], negative_slope=float("nan"))


# --- initialisation ----------------------------------------------------------------------

def weights(model):
    return [p.data for p in model.parameters()]


def test_default_init_is_microgrands_uniform_from_the_global_random():
    random.seed(42)
    model = MLP(2, [3, 1])
    random.seed(42)
    expected = []
    for nin, nout in [(2, 3), (3, 1)]:
        for _ in range(nout):
            expected += [random.uniform(-1, 1) for _ in range(nin)] + [0.0]
    assert weights(model) == expected


def test_seed_and_random_instance_make_weights_reproducible():
    assert weights(MLP(2, [8, 1], seed=3)) == weights(MLP(2, [8, 1], seed=3))
    assert weights(MLP(2, [8, 1], seed=3)) != weights(MLP(2, [8, 1], seed=4))
    assert weights(MLP(2, [8, 1], seed=random.Random(3))) == weights(MLP(2, [8, 1], seed=3))
    state = random.getstate()
    MLP(2, [8, 1], seed=3)
    assert random.getstate() == state          # a seeded model leaves the global generator alone
    rng = random.Random(9)
    a, b = MLP(2, [2], seed=rng), MLP(2, [2], seed=rng)
    assert weights(a) != weights(b)            # a shared generator keeps advancing


@pytest.mark.parametrize("init, bound", [
    ("uniform", lambda fi, fo: 1.0),
    ("xavier", lambda fi, fo: math.sqrt(6 / (fi + fo))),
    ("he", lambda fi, fo: math.sqrt(6 / fi)),
])
def test_random_inits_stay_within_their_bounds_and_biases_start_at_zero(init, bound):
    model = MLP(30, [20, 5], init=init, seed=0)
    for layer in model.layers:
        b = bound(layer.nin, layer.nout)
        ws = [w.data for n in layer.neurons for w in n.w]
        assert all(-b <= w <= b for w in ws)
        assert max(abs(w) for w in ws) > 0.9 * b          # and they fill the range
        assert all(n.b.data == 0.0 for n in layer.neurons)


def test_xavier_and_he_draw_like_uniform_scaled():
    a = MLP(4, [3], init="uniform", seed=1)
    x = MLP(4, [3], init="xavier", seed=1)
    h = MLP(4, [3], init="he", seed=1)
    for wa, wx, wh in zip(weights(a), weights(x), weights(h)):
        # uniform(lo, hi) = lo + (hi - lo) * random(), so the same draws scale exactly
        assert wx == pytest.approx(wa * math.sqrt(6 / 7), rel=1e-12, abs=1e-15)
        assert wh == pytest.approx(wa * math.sqrt(6 / 4), rel=1e-12, abs=1e-15)


def test_constant_init():
    model = MLP(2, [3, 1], activation="linear", init=constant(1.0))
    assert set(weights(model)) == {1.0}
    assert weights(MLP(2, [3], init="constant(-0.5)")) == [-0.5] * 9
    assert Init.parse("glorot") == Init("xavier") and Init.parse("kaiming") == Init("he")
    assert repr(constant(2)) == "constant(2.0)"
    with pytest.raises(ValueError, match="constant\\(c\\)"):
        MLP(2, [1], init="constant")
    with pytest.raises(ValueError, match="unknown init 'zeros'"):
        MLP(2, [1], init="zeros")
    with pytest.raises(ValueError, match="finite"):
        constant(float("inf"))


# --- printing ----------------------------------------------------------------------------

def test_reprs():
    assert repr(Neuron(2, seed=0)) == "ReLUNeuron(2)"
    assert repr(Neuron(3, activation="leaky_relu", seed=0)) == "LeakyReLUNeuron(3)"
    assert repr(Layer(2, 2, activation="sigmoid", seed=0)) == "Layer(2, 2, activation='sigmoid')"
    assert repr(MLP(2, [2, 1], seed=0)) == "MLP(2, [2, 1], activation='relu')"
    # compact however wide, and enough to build the same shape again
    assert repr(MLP(2, [16, 16, 1], activation="tanh", seed=0)) == "MLP(2, [16, 16, 1], activation='tanh')"
    assert repr(MLP(3, [1])) == "MLP(3, [1], activation='relu')"
    mixed = MLP(2, [4, 1], activation=["tanh", "sigmoid"], seed=0)
    assert repr(mixed) == "MLP(2, [4, 1], activation=['tanh', 'sigmoid'])"
    assert eval(repr(mixed), {"MLP": MLP}).activations == mixed.activations


def test_summary():
    text = MLP(2, [16, 16, 1], seed=0).summary()
    assert text.splitlines()[0] == "MLP(2 -> 16 -> 16 -> 1), 337 parameters"
    assert text.splitlines()[-1].split() == ["2", "16", "1", "linear", "17"]


def test_parameters_and_units_are_labelled_as_the_network_picture_names_them():
    model = MLP(2, [2, 1], seed=0)
    assert [p.label for p in model.parameters()] == ["W11", "W12", "W10", "W21", "W22", "W20",
                                                     "V01", "V02", "V00"]
    assert [name for name, _ in model.named_parameters()][:3] == [   # the state_dict paths stay
        "layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    out = model([0.5, -1.0])
    assert out.label == "D0"                       # the linear output is its weighted sum
    assert out.op == "sum" and [p.label for p in out.parents[:1]] == ["V00"]   # D0 = V00 + V01·Z1 + V02·Z2
    z1 = out.parents[1].parents[1]                 # V01·Z1
    assert z1.label == "Z1" and z1.parents[0].label == "net_Z1"   # relu(net_Z1)


def test_units_of_deep_networks_and_inputs_are_named():
    model = MLP(2, [3, 2, 1], activation="tanh", seed=0)
    assert [n.unit for n in model.layers[0].neurons] == ["Z1_1", "Z1_2", "Z1_3"]
    assert [n.unit for n in model.layers[1].neurons] == ["Z2_1", "Z2_2"]
    assert model.layers[2].neurons[0].unit == "D0"
    from autograd import topological_order
    labels = {v.label for v in topological_order(model([1.0, 2.0]))}
    assert {"X1", "X2", "Z1_1", "net_Z1_1", "Z2_2", "net_Z2_2", "D0", "U01", "V23"} <= labels
