"""draw_network: layers of neurons, bias units, the XOR tutorial's names, colours by sign, widths by size."""

import pytest
from viz_svg import all_text, by_id, groups, parse, texts

from autograd import Value
from nn import MLP, constant
from viz import draw_network, unit_names, weight_names
from viz._render import NEGATIVE, POSITIVE

TUTORIAL_NAMES = ["W10", "W11", "W12", "W20", "W21", "W22", "W30", "W31", "W32", "V00", "V01", "V02", "V03"]


def visible_edges(svg):
    return [e for e in groups(svg, "edge") if not e.get("id", "").startswith("edge")]


def edge_path(edge):
    return next(edge.iter("{http://www.w3.org/2000/svg}path"))


def tutorial_network():
    return MLP(2, [3, 1], activation="linear", init=constant(1.0))


def test_tutorial_network_is_readable_at_a_glance():
    model = tutorial_network()
    svg = parse(draw_network(model, x=[0.0, 0.0]).pipe(format="svg"))
    # inputs X1 X2 and bias X0, hidden Z1-Z3 and bias Z0, output D0
    assert len(groups(svg, "node")) == 8
    edges = visible_edges(svg)
    assert len(edges) == 13  # 3 x (2 weights + bias) + (3 weights + bias)
    text = all_text(svg)
    for name in TUTORIAL_NAMES:
        assert f"{name} = 1" in text, name
    ids = by_id(svg)
    assert texts(ids["in0"]) == ["X1", "0"] and texts(ids["bias0"]) == ["X0", "1"]
    assert texts(ids["bias1"]) == ["Z0", "1"]
    # the tutorial's forward pass: Z1 = Z2 = Z3 = 1 and D0 = 4
    assert texts(ids["n0_0"]) == ["Z1", "linear", "1"] and texts(ids["n1_0"]) == ["D0", "linear", "4"]
    # W10 is Z1's bias (from X0), V03 runs from Z3 to D0
    assert "".join(ids["b0_0"].find("{http://www.w3.org/2000/svg}title").itertext()) == "bias0->n0_0"
    assert "".join(ids["w1_0_2"].find("{http://www.w3.org/2000/svg}title").itertext()) == "n0_2->n1_0"
    assert "W10 = 1" in texts(ids["b0_0"]) and "V03 = 1" in texts(ids["w1_0_2"])


def test_names_follow_the_tutorial():
    model = tutorial_network()
    names = weight_names(model)
    assert sorted(names.values()) == sorted(TUTORIAL_NAMES)
    assert names[model.layers[0].neurons[1].w[0]] == "W21" and names[model.layers[1].neurons[0].b] == "V00"
    assert unit_names(MLP(2, [4, 4, 2])) == [
        ["X0", "X1", "X2"], ["Z1_0", "Z1_1", "Z1_2", "Z1_3", "Z1_4"], ["Z2_0", "Z2_1", "Z2_2", "Z2_3", "Z2_4"],
        ["D0", "D1"]]
    wide = MLP(12, [1])
    assert weight_names(wide)[wide.layers[0].neurons[0].w[11]] == "W0,12"  # two-digit indices are separated


def test_colour_by_sign_and_width_by_magnitude():
    model = MLP(1, [2], activation="linear", init=constant(0.0))
    n0, n1 = model.layers[0].neurons
    n0.w[0].data, n1.w[0].data, n0.b.data, n1.b.data = 2.0, -0.5, 0.0, 1.0
    svg = parse(draw_network(model).pipe(format="svg"))
    ids = by_id(svg)
    strong, weak = edge_path(ids["w0_0_0"]), edge_path(ids["w0_1_0"])
    assert strong.get("stroke") == POSITIVE and weak.get("stroke") == NEGATIVE
    assert float(strong.get("stroke-width")) > float(weak.get("stroke-width")) > 0
    assert edge_path(ids["b0_0"]).get("stroke") == "#767676"  # zero


def test_show_grad_after_backward():
    model = tutorial_network()
    out = model([0.0, 0.0])
    loss = 0.5 * (out - 0.0) ** 2  # dL/dD0 = 4, as the XOR tutorial's delta (with a gradient's sign)
    loss.backward()
    svg = parse(draw_network(model, show="grad").pipe(format="svg"))
    text = all_text(svg)
    for name in ("W10", "W20", "W30", "V00", "V01", "V02", "V03"):
        assert f"grad {name} = 4" in text
    for name in ("W11", "W12", "W21", "W22", "W31", "W32"):  # the inputs are 0
        assert f"grad {name} = 0" in text


def test_big_networks_drop_edge_values_and_huge_ones_are_refused():
    model = MLP(4, [8, 8, 1], seed=0)
    svg = parse(draw_network(model).pipe(format="svg"))
    assert len(visible_edges(svg)) == 8 * 5 + 8 * 9 + 9
    assert all(texts(e) == [] for e in visible_edges(svg))  # no edge labels
    assert "W10 = " in draw_network(model, edge_labels=True).source
    with pytest.raises(ValueError, match="121 weights and biases, more than max_edges=100"):
        draw_network(model, max_edges=100)


def test_duck_typed_models_and_bad_arguments():
    class Neuron:
        def __init__(self, n):
            self.w = [Value(0.5) for _ in range(n)]
            self.b = Value(-1.0)
            self.activation = "tanh"

    class Layer:
        def __init__(self, nin, nout):
            self.neurons = [Neuron(nin) for _ in range(nout)]

    class Net:
        layers = [Layer(3, 2), Layer(2, 1)]

    g = draw_network(Net())
    assert "W13 = 0.5" in g.source and "D0" in g.source and "tanh" in g.source
    assert "0.964" in draw_network(Net(), x=[1.0, 2.0, 3.0]).source  # tanh(0.5 (1 + 2 + 3) - 1), computed here
    one_layer = draw_network(Net.layers[0]).source  # a single layer: its neurons are the outputs
    assert "W00 = -1" in one_layer and "W13 = 0.5" in one_layer and "D1" in one_layer
    with pytest.raises(TypeError, match="model must be an MLP"):
        draw_network(object())
    with pytest.raises(ValueError, match="show must be"):
        draw_network(Net(), show="bias")
    with pytest.raises(ValueError, match="x has 2 values but the network takes 3"):
        draw_network(Net(), x=[1.0, 2.0])
