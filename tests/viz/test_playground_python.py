"""The Python behind the playground's page, checked against independent references."""

import json
import math

import pytest

from nn import losses, train_step
from viz.playground import Trainer, api, expression_view
from viz.playground._health import layer_health, unit_warnings
from viz.playground.practice import check, new_exercise


def test_expression_gradients_match_pytorch():
    torch = pytest.importorskip("torch")
    view = expression_view("tanh(x*w + b) * exp(x/4) - relu(b - w)**2", "x=2 w=-3 b=6.88")
    at = {"x": 2.0, "w": -3.0, "b": 6.88}
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in at.items()}
    out = torch.tanh(t["x"] * t["w"] + t["b"]) * torch.exp(t["x"] / 4) - torch.relu(t["b"] - t["w"]) ** 2
    out.backward()
    assert math.isclose(view["value"], out.item(), rel_tol=1e-14)
    for leaf in view["leaves"]:
        assert math.isclose(leaf["grad"], t[leaf["name"]].grad.item(), rel_tol=1e-13), leaf["name"]


def test_expression_view_defaults_missing_values_and_reports_errors():
    view = expression_view("x*y", "x=3")
    assert [(leaf["name"], leaf["data"], leaf["grad"]) for leaf in view["leaves"]] == [("x", 3.0, 1.0), ("y", 1.0, 3.0)]
    assert expression_view("log(x)", "x=-1") == {"ok": False,
                                                 "error": "log(x) cannot be computed: log() needs a positive input, "
                                                          "got -1.0"}
    assert expression_view("x", "x=abc")["error"] == "values: x must be a number, got 'abc'"
    assert expression_view("x.__class__", "")["ok"] is False


def test_api_speaks_json_only():
    reply = json.loads(api.call("expression", json.dumps({"text": "abs(x)", "values": "x=0"})))
    assert reply["leaves"][0]["grad"] == 0.0  # PyTorch's convention at the kink
    assert json.loads(api.call("expression", "[1]"))["ok"] is False
    assert json.loads(api.call("train", json.dumps({"steps": 0})))["ok"] is False


@pytest.mark.parametrize("loss", ["mse", "hinge", "bce_logits"])
def test_a_trainer_step_is_nn_train_step(loss):
    """Replaying each sample's recorded tape gives nn.train_step's gradients (summed in another order)."""
    trainer = Trainer(dataset="moons", hidden=[4, 3], loss=loss, batch_size=100, seed=3)
    rows = trainer.rows
    X = [r[:2] for r in rows]
    y = [trainer.labels[int(r[2])] for r in rows]
    reference = Trainer(dataset="moons", hidden=[4, 3], loss=loss, batch_size=100, seed=3)
    before, _ = train_step(reference.model, X, y, losses.get(loss), reference.optimizer)
    assert math.isclose(trainer.history[0]["loss"], before, rel_tol=1e-12)
    trainer.train(1)
    grads = trainer.history[1]["grads"]
    for g, p in zip(grads, reference.params):
        assert math.isclose(g, p.grad, rel_tol=1e-9, abs_tol=1e-15)
    for a, b in zip(trainer.params, reference.params):
        assert math.isclose(a.data, b.data, rel_tol=1e-12, abs_tol=1e-15)


def test_replay_restores_every_step_exactly():
    trainer = Trainer(hidden=[3], seed=2)
    trainer.train(5)
    weights = [p.data for p in trainer.params]
    assert trainer.view(2)["loss"] == trainer.history[2]["loss"]
    assert [p.data for p in trainer.params] == weights  # looking back changes nothing
    with pytest.raises(ValueError, match="step must be from 0 to 5"):
        trainer.view(6)


def test_dead_relu_and_saturated_units_are_found():
    trainer = Trainer(hidden=[3], activation="relu", seed=0)
    first = trainer.model.layers[0].neurons
    first[1].b.data = -100.0  # this unit's pre-activation is negative on every point: dead
    view = trainer.train(1)  # and no step brings it back
    dead = [w for w in view["warnings"] if w["kind"] == "dead"]
    assert [w["unit"] for w in dead] == ["n0_1"] and dead[0]["name"] == "Z2"
    tanh = Trainer(hidden=[2], activation="tanh", seed=0)
    tanh.model.layers[0].neurons[0].b.data = 10.0  # tanh(10 + small) = 0.99999...: saturated
    kinds = [(w["unit"], w["kind"]) for w in tanh.train(1)["warnings"]]
    assert ("n0_0", "saturated") in kinds and ("n0_1", "saturated") not in kinds
    assert unit_warnings(tanh.model, "sigmoid", [[[0.5, 0.99], [0.995, 0.999]]])[0]["unit"] == "n0_1"


def test_vanishing_and_exploding_layers():
    model = Trainer(hidden=[2]).model  # 2 layers: 6 + 3 parameters
    health = layer_health(model, [1e-8] * 6 + [1.0] * 3)
    assert [layer["status"] for layer in health["layers"]] == ["vanishing", "ok"]
    health = layer_health(model, [0.5] * 6 + [2e3] * 3)
    assert [layer["status"] for layer in health["layers"]] == ["ok", "exploding"]
    assert math.isclose(health["layers"][1]["grad_rms"], 2e3)


def test_exercise_feedback_names_the_misconception():
    exercise, view = new_exercise(seed=11, level=1)
    right = exercise.answers()
    flipped = {name: str(-g) for name, g in right.items()}
    reply = check(exercise, flipped)
    assert reply["correct"] is False
    wrong = [r for r in reply["results"].values() if not r["correct"]]
    assert wrong and all(r["misconception"] == "sign" for r in wrong if r["misconception"])
    blank = check(exercise, {name: "" for name in right})
    assert all(r["missing"] for r in blank["results"].values())
    assert view["task"] == exercise.task()


def test_a_units_backward_step_is_the_engines():
    from autograd import Value, topological_order

    trainer = Trainer(hidden=[4, 3], seed=5)
    trainer.train(4)
    reply = trainer.unit_step(2, 1, 1)  # the second unit of the second hidden layer, as it was at step 2
    assert reply["name"] == "Z2_2" and reply["lines"][0].startswith("Z2_2 = tanh(net_Z2_2) = ")
    # the same point through the model with step 2's weights, backward() by the engine itself
    trainer._load(2)
    row = trainer.rows[trainer.sample]
    loss = losses.mse([trainer.model([Value(row[0]), Value(row[1])])], [trainer.labels[int(row[2])]])
    loss.backward()
    unit = next(v for v in topological_order(loss) if v.label == "Z2_2")
    assert reply["upstream"] == unit.grad
    with pytest.raises(ValueError, match="no unit 5 in layer 0"):
        trainer.unit_step(0, 0, 5)


def test_the_pages_colours_stay_apart_for_colour_blind_readers():
    """The shipped colours that mean different things: a path vs the step being shown (graph), class 1 vs
    class 0 (heat map and points). Each pair also differs by line style or shape; colour must still hold."""
    import pathlib
    import re

    from a11y import DEFICIENCIES, delta_e

    site = pathlib.Path(__file__).resolve().parents[2] / "playground" / "site"
    css = (site / "style.css").read_text(encoding="utf-8")
    js = (site / "network.js").read_text(encoding="utf-8")
    path, step = (re.search(rf"--{name}: (#[0-9a-f]{{6}})", css)[1] for name in ("path", "step"))
    found = {name: re.search(rf"{name} = \[(\d+), (\d+), (\d+)\]", js).groups() for name in ("POS", "NEG")}
    pos, neg = ("#" + "".join(f"{int(c):02x}" for c in found[name])
                for name in ("POS", "NEG"))
    assert (pos, neg) == ("#e69f00", "#0072b2")  # Okabe and Ito's orange and blue
    for a, b in ((path, step), (pos, neg)):
        assert delta_e(a, b) >= 20
        for deficiency in DEFICIENCIES:
            assert delta_e(a, b, deficiency) >= 20, (a, b, deficiency)


def test_the_expression_tab_names_nodes_as_explain_and_the_cli_do():
    """One name per node in every view: x·w and x·w + b, never the source text x*w."""
    from autograd import Value, explain

    view = expression_view("tanh(x*w + b)", "x=2 w=-3 b=6.88")
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(6.88, label="b")
    y = (x * w + b).tanh()
    y.backward()
    assert view["steps"][1]["equation"] == "dL/d(x·w) += dL/d(x·w + b) · ∂(x·w + b)/∂(x·w) = 0.501 · 1.0 = 0.501"
    assert view["paths"]["w"]["explain"] == explain(y, wrt=w)
    assert "x*w" not in view["dot"] and ">x·w + b<" in view["dot"]


def test_the_expression_tab_walks_forward_mode_from_any_variable():
    from autograd import Value
    from autograd.forward_steps import forward_steps_data
    from viz._render import fmt

    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(6.88, label="b")
    y = (x * w + b).tanh()
    y.backward()
    for name, leaf in (("x", x), ("w", w), ("b", b)):
        view = expression_view("tanh(x*w + b)", "x=2 w=-3 b=6.88", mode="forward", wrt=name)
        data = forward_steps_data(y, leaf)
        assert view["mode"] == "forward" and view["wrt"] == name and view["wrt_note"] == ""
        assert [s["equation"] for s in view["steps"]] == [r["equation"] for r in data["steps"]]  # the root is L
        assert view["steps"][-1]["cell"] == [view["root_id"], fmt(leaf.grad), True]  # the root's box ends on .grad
        assert view["tangent"] == leaf.grad and view["end"] == f"dL/d{name} = {data['rootTangent']}, " \
            f"the gradient backward() gives {name}"
    # no choice yet, or a variable the edited expression no longer has: the first variable, and a note
    assert expression_view("x*y", "x=2 y=3", mode="forward")["wrt"] == "x"
    stale = expression_view("x*y", "x=2 y=3", mode="forward", wrt="w")
    assert stale["wrt"] == "x" and stale["wrt_note"] == "w is not in the expression; forward mode from x instead"
    assert stale["tangent"] == 3.0
    assert expression_view("x*y", "x=2", mode="sideways") == {
        "ok": False, "error": "expression_view() mode must be 'reverse' or 'forward', got 'sideways'"}
    assert expression_view("x*y", "x=2", mode="forward", wrt=3)["error"] == \
        "expression_view() wrt must be a variable's name or None, got int: 3"
    assert expression_view("2*3", "", mode="forward")["error"] == \
        "forward mode needs a variable: this expression has none"
