"""save / load: exact round trips, atomic writes, and every bad file rejected
with a clear message while the model stays exactly as it was."""

import json
import math
import os

import pytest

from nn import MLP, Layer, ModelFileError, Module, Neuron, constant
from nn import io as nn_io


@pytest.fixture
def model():
    return MLP(2, [4, 3, 1], activation="tanh", seed=11)


def snapshot(model):
    return [(p.data, p.grad, p.label) for p in model.parameters()]


def test_round_trip_is_exact(tmp_path, model):
    path = tmp_path / "model.json"
    model.save(path)
    loaded = MLP.load(path)
    assert type(loaded) is MLP
    assert loaded.state_dict() == model.state_dict()              # every float identical
    assert loaded.get_config() == model.get_config()
    assert repr(loaded) == repr(model)
    x = [0.123456789, -9.87654321]
    assert loaded(x).data == model(x).data


def test_awkward_floats_survive(tmp_path):
    m = MLP(1, [3], init=constant(0.0))
    tricky = [0.1, 1 / 3, 5e-324, 1.7976931348623157e308, -0.0, 2 ** -1074 * 3]
    for p, v in zip(m.parameters(), tricky):
        p.data = v
    m.save(tmp_path / "m.json")
    back = [p.data for p in MLP.load(tmp_path / "m.json").parameters()]
    assert back == tricky and math.copysign(1, back[4]) == -1


def test_file_layout(tmp_path, model):
    path = tmp_path / "model.json"
    model.save(str(path))
    data = json.loads(path.read_text())
    assert data["format"] == "chainrule.nn" and data["version"] == 1 and data["class"] == "MLP"
    assert data["config"] == {"nin": 2, "nouts": [4, 3, 1], "activation": ["tanh", "tanh", "linear"]}
    # the leaky ReLU's slope is stored only when a layer uses it
    assert MLP(2, [3, 1], activation="leaky_relu", negative_slope=0.2, seed=0).get_config()["negative_slope"] == 0.2
    assert data["state"] == model.state_dict()


def test_instance_load_and_load_weights_fill_the_model_in_place(tmp_path, model):
    path = tmp_path / "model.json"
    model.save(path)
    other = MLP(2, [4, 3, 1], activation="tanh", seed=99)
    assert other.load(path) is other
    assert other.state_dict() == model.state_dict()
    third = MLP(2, [4, 3, 1], activation="tanh", seed=98)
    assert third.load_weights(path) is third and third.state_dict() == model.state_dict()


def test_layer_and_neuron_round_trip_and_module_load_picks_the_class(tmp_path):
    layer = Layer(3, 2, activation="leaky_relu", negative_slope=0.2, seed=1)
    layer.save(tmp_path / "layer.json")
    back = Layer.load(tmp_path / "layer.json")
    assert back.state_dict() == layer.state_dict() and back.negative_slope == 0.2
    neuron = Neuron(2, activation="sigmoid", seed=1)
    neuron.save(tmp_path / "neuron.json")
    generic = Module.load(tmp_path / "neuron.json")           # the file says which class
    assert type(generic) is Neuron and generic.state_dict() == neuron.state_dict()


def test_loading_draws_no_random_numbers(tmp_path, model):
    import random

    model.save(tmp_path / "m.json")
    state = random.getstate()
    MLP.load(tmp_path / "m.json")
    assert random.getstate() == state


def test_save_is_atomic(tmp_path, model, monkeypatch):
    path = tmp_path / "model.json"
    model.save(path)
    before = path.read_bytes()

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    changed = MLP(2, [4, 3, 1], activation="tanh", seed=12)
    with pytest.raises(OSError, match="disk full"):
        changed.save(path)
    assert path.read_bytes() == before                        # the old file is untouched
    assert os.listdir(tmp_path) == ["model.json"]             # and no temporary file is left


def test_saved_file_has_the_usual_permissions(tmp_path, model):
    umask = os.umask(0o022)
    try:
        model.save(tmp_path / "new.json")
        assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o644
        (tmp_path / "new.json").chmod(0o600)
        model.save(tmp_path / "new.json")                 # overwriting keeps the file's own permissions
        assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(umask)


def test_save_refuses_non_finite_weights(tmp_path, model):
    model.parameters()[3].data = math.nan
    with pytest.raises(ValueError, match="parameter 'layers.0.neurons.1.w.0' is nan"):
        model.save(tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def test_user_module_without_config_saves_weights_only(tmp_path):
    class Pair(Module):
        def __init__(self):
            self.a = Neuron(1, init=constant(1.0))

    p = Pair()
    p.save(tmp_path / "pair.json")
    fresh = Pair()
    fresh.a.w[0].data = 5.0
    fresh.load(tmp_path / "pair.json")
    assert fresh.state_dict() == p.state_dict()
    with pytest.raises(ModelFileError, match="no architecture"):
        Pair.load(tmp_path / "pair.json")


# --- bad files -----------------------------------------------------------------------------

def good_payload(model):
    return {"format": "chainrule.nn", "version": 1, "class": "MLP", "config": model.get_config(),
            "state": model.state_dict()}


def write_json(path, payload):
    path.write_text(json.dumps(payload))


def bad_files(model):
    """(case, writer, exception, fragment of the message)."""
    good = good_payload(model)
    text = json.dumps(good)
    first = next(iter(good["state"]))

    def with_state(**change):
        return {**good, "state": {**good["state"], **change}}

    def without(key):
        return {k: v for k, v in good.items() if k != key}

    return [
        ("missing", None, FileNotFoundError, "there is no such file"),
        ("empty", lambda p: p.write_text(""), ModelFileError, "the file is empty"),
        ("truncated", lambda p: p.write_text(text[: len(text) // 2]), ModelFileError, "not valid JSON"),
        ("corrupt bytes", lambda p: p.write_bytes(b"\xff\xfe\x00garbage"), ModelFileError, "not UTF-8"),
        ("garbage", lambda p: p.write_text("hello, world"), ModelFileError, "not valid JSON"),
        ("a list", lambda p: write_json(p, [1, 2]), ModelFileError, "holds a JSON list"),
        ("other format", lambda p: write_json(p, {**good, "format": "keras"}), ModelFileError,
         "not a chainrule.nn model file (its 'format' is 'keras')"),
        ("no format", lambda p: write_json(p, without("format")), ModelFileError, "'format' is missing"),
        ("newer version", lambda p: write_json(p, {**good, "version": 2}), ModelFileError,
         "format version 2, written by a newer chainrule; this one reads version 1"),
        ("bad version", lambda p: write_json(p, {**good, "version": "1"}), ModelFileError,
         "'version' must be a positive integer"),
        ("no state", lambda p: write_json(p, without("state")), ModelFileError, "'state' field is missing"),
        ("state is a list", lambda p: write_json(p, {**good, "state": [1.0]}), ModelFileError,
         "'state' field has the wrong type"),
        ("other class", lambda p: write_json(p, {**good, "class": "Layer"}), ModelFileError,
         "holds a Layer"),
        ("unknown class", lambda p: write_json(p, {**good, "class": "Transformer"}), ModelFileError,
         "holds a Transformer"),
        ("other sizes", lambda p: write_json(p, {**good, "config": {**good["config"], "nouts": [5, 3, 1]}}),
         ModelFileError, "architecture differs (nouts: file [5, 3, 1], model [4, 3, 1])"),
        ("other activations", lambda p: write_json(
            p, {**good, "config": {**good["config"], "activation": ["relu", "relu", "linear"]}}),
         ModelFileError, "architecture differs (activation: file ['relu', 'relu', 'linear']"),
        ("missing weight", lambda p: write_json(p, {**good, "state": {k: v for k, v in good["state"].items()
                                                                      if k != first}}),
         ModelFileError, "missing parameters: " + first),
        ("extra weight", lambda p: write_json(p, with_state(**{"layers.3.neurons.0.b": 0.5})), ModelFileError,
         "unexpected parameters: layers.3.neurons.0.b"),
        ("string weight", lambda p: write_json(p, with_state(**{first: "0.5"})), ModelFileError,
         f"parameter '{first}' must be a number, got str"),
        ("bool weight", lambda p: write_json(p, with_state(**{first: True})), ModelFileError,
         "must be a number, got bool"),
        ("null weight", lambda p: write_json(p, with_state(**{first: None})), ModelFileError,
         "must be a number, got NoneType"),
        ("NaN weight", lambda p: p.write_text(text.replace(repr(good["state"][first]), "NaN", 1)), ModelFileError,
         "contains NaN, which is not a finite number"),
        ("Infinity weight", lambda p: p.write_text(text.replace(repr(good["state"][first]), "-Infinity", 1)),
         ModelFileError, "contains -Infinity"),
        ("overflowing weight", lambda p: p.write_text(text.replace(repr(good["state"][first]), "1e999", 1)),
         ModelFileError, f"parameter '{first}' is inf"),
    ]


CASES = [c[0] for c in bad_files(MLP(2, [4, 3, 1], activation="tanh", seed=11))]
# MLP.load builds a new model from the file's own config, so only loads into a model can mismatch it
COMBINATIONS = [(case, how) for case in CASES for how in ("instance load", "load_weights", "class load")
                if not (how == "class load" and case in ("other sizes", "other activations"))]


@pytest.mark.parametrize("case, how", COMBINATIONS)
def test_bad_file_raises_naming_file_and_problem_and_changes_nothing(tmp_path, model, case, how):
    _, writer, error, fragment = next(c for c in bad_files(model) if c[0] == case)
    path = tmp_path / "bad.json"
    if writer is not None:
        writer(path)
    model([0.5, 0.5]).backward()       # give the model gradients too: they must survive as well
    before = snapshot(model)
    if how == "class load":
        call = lambda: MLP.load(path)  # noqa: E731
    elif how == "instance load":
        call = lambda: model.load(path)  # noqa: E731
    else:
        call = lambda: model.load_weights(path)  # noqa: E731
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert str(path) in message, message
    assert fragment in message, message
    assert snapshot(model) == before


def test_model_file_error_is_a_value_error_with_path_and_problem(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text("   \n")
    with pytest.raises(ValueError) as info:
        MLP.load(path)
    assert isinstance(info.value, ModelFileError)
    assert info.value.path == str(path) and info.value.problem == "the file is empty"


def test_a_directory_is_not_a_model(tmp_path):
    with pytest.raises(ModelFileError, match="is a directory"):
        MLP.load(tmp_path)


def test_invalid_config_in_file(tmp_path, model):
    payload = good_payload(model)
    payload["config"]["nouts"] = [0]
    write_json(tmp_path / "m.json", payload)
    with pytest.raises(ModelFileError, match="config .* is invalid"):
        MLP.load(tmp_path / "m.json")


def test_read_returns_the_checked_fields(tmp_path, model):
    model.save(tmp_path / "m.json")
    data = nn_io.read(tmp_path / "m.json")
    assert set(data) == {"class", "config", "state"}
    assert data["state"] == model.state_dict()


def test_save_into_a_missing_directory_names_the_target(tmp_path):
    from nn import MLP

    target = tmp_path / "no" / "such" / "model.json"
    with pytest.raises(FileNotFoundError, match="cannot save to .*model.json.*does not exist"):
        MLP(2, [1], seed=0).save(target)
    assert not (tmp_path / "no").exists()
