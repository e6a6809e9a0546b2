"""Module: parameter discovery and naming, zero_grad, state_dict / load_state_dict."""

import math

import pytest

from autograd import Value
from nn import MLP, Layer, Module, Neuron, constant


def test_named_parameters_are_stable_paths_weights_then_bias():
    model = MLP(2, [3, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names == [
        "layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0", "layers.0.neurons.1.w.1", "layers.0.neurons.1.b",
        "layers.0.neurons.2.w.0", "layers.0.neurons.2.w.1", "layers.0.neurons.2.b",
        "layers.1.neurons.0.w.0", "layers.1.neurons.0.w.1", "layers.1.neurons.0.w.2", "layers.1.neurons.0.b",
    ]
    assert dict(model.named_parameters())["layers.0.neurons.2.w.1"] is model.layers[0].neurons[2].w[1]
    assert model.parameters() == [p for _, p in model.named_parameters()]
    assert model.num_parameters() == 13
    assert [n for n, _ in Layer(2, 1, seed=0).named_parameters()] == ["neurons.0.w.0", "neurons.0.w.1", "neurons.0.b"]
    assert [n for n, _ in model.named_parameters(prefix="net.")][0] == "net.layers.0.neurons.0.w.0"


def test_big_model_names():
    model = MLP(2, [16, 16, 1], seed=0)
    names = [n for n, _ in model.named_parameters()]
    assert len(names) == len(set(names)) == 337
    assert names[-1] == "layers.2.neurons.0.b" and "layers.1.neurons.15.w.15" in names


def test_zero_grad():
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_gradients_accumulate_until_zeroed():
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    model([1.0, 2.0]).backward()
    once = [p.grad for p in model.parameters()]
    model([1.0, 2.0]).backward()
    assert [p.grad for p in model.parameters()] == pytest.approx([2 * g for g in once])


class Affine(Module):
    """A user-defined module: parameters found without any registration."""

    def __init__(self):
        self.scale = Value(2.0)
        self.shift = [Value(1.0), Value(-1.0)]
        self.inner = Neuron(1, init=constant(0.5))
        self._cache = Value(99.0)          # private: not a parameter
        self.note = "not a parameter"

    def forward(self, x):
        return self.inner([self.scale * x + self.shift[0] + self.shift[1]])


def test_custom_module_parameters():
    m = Affine()
    assert [n for n, _ in m.named_parameters()] == ["scale", "shift.0", "shift.1", "inner.w.0", "inner.b"]
    assert m(3.0).data == pytest.approx(0.5 * 6.0 + 0.5)
    assert m.get_config() is None


def test_shared_parameters_are_listed_once():
    m = Affine()
    m.again = m.scale  # the same Value under a second name
    names = [n for n, _ in m.named_parameters()]
    assert names.count("again") == 0 and len(names) == 5


def test_forward_is_required():
    with pytest.raises(NotImplementedError, match="Module does not define forward"):
        Module()(1.0)


def test_state_dict_is_a_copy_of_the_weights():
    model = MLP(2, [3, 1], seed=0)
    state = model.state_dict()
    assert list(state) == [n for n, _ in model.named_parameters()]
    assert list(state.values()) == [p.data for p in model.parameters()]
    state["layers.0.neurons.0.b"] = 123.0
    assert model.layers[0].neurons[0].b.data == 0.0


def test_load_state_dict_round_trip_is_exact():
    a, b = MLP(2, [4, 1], seed=1), MLP(2, [4, 1], seed=2)
    b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()
    assert b([0.3, 0.4]).data == a([0.3, 0.4]).data


def bad_states(good):
    first = next(iter(good))
    yield "missing", {k: v for k, v in good.items() if k != first}, ValueError, "missing parameters: " + first
    yield "unexpected", {**good, "layers.9.b": 1.0}, ValueError, "unexpected parameters: layers.9.b"
    yield "string", {**good, first: "1.0"}, TypeError, "must be a number, got str"
    yield "bool", {**good, first: True}, TypeError, "must be a number, got bool"
    yield "none", {**good, first: None}, TypeError, "must be a number, got NoneType"
    yield "nan", {**good, first: math.nan}, ValueError, "is nan"
    yield "inf", {**good, first: -math.inf}, ValueError, "is -inf"
    yield "not a mapping", [1.0, 2.0], TypeError, "mapping"


@pytest.mark.parametrize("case", [c[0] for c in bad_states({"a": 0.0})])
def test_bad_state_dicts_leave_the_model_unchanged(case):
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    _, state, error, message = next(c for c in bad_states(model.state_dict()) if c[0] == case)
    # make every other value different so a partial write would show
    if isinstance(state, dict):
        state = {k: (v + 1.0 if type(v) is float and math.isfinite(v) else v) for k, v in state.items()}
    with pytest.raises(error, match=message.replace("(", r"\(")):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_load_state_dict_non_strict_reports_and_loads_the_rest():
    model = MLP(1, [1], init=constant(0.0))
    result = model.load_state_dict({"layers.0.neurons.0.b": 2.0, "extra": 1.0}, strict=False)
    assert result == {"missing": ["layers.0.neurons.0.w.0"], "unexpected": ["extra"]}
    assert model.state_dict() == {"layers.0.neurons.0.w.0": 0.0, "layers.0.neurons.0.b": 2.0}


def test_missing_list_is_abbreviated():
    model = MLP(2, [16, 1], seed=0)
    with pytest.raises(ValueError, match=r"\(65 in all\).*the model has 65 parameters"):
        model.load_state_dict({})
