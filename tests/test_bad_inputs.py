"""Bad input at every public entry point: a TypeError (wrong type) or ValueError (bad value) whose
message names the function and the argument, never an AttributeError, a NumPy or format-spec
message, or a silent acceptance.

The table below lists, for every public function and parameter, a valid call and the bad values
to try in place of that parameter; each (function, parameter, value) is one test.
"""

from __future__ import annotations

import math
import pathlib
import tempfile
from typing import Any, Callable, Dict, List, Tuple

import pytest

import autograd
import viz
from autograd import Value
from nn import MLP, Layer, Neuron, accuracy, data, evaluate, fit, losses, optim, predict, tutorial_network

NAN, INF = math.nan, math.inf
NOT_A_VALUE = [3.0, None, "x", [Value(1.0)]]
NOT_A_POSITIVE_INT = [0, -1, 1.5, True, "3", NAN]
NOT_A_FINITE_NUMBER = [NAN, INF, "1", True, 1 + 2j, None]
NOT_A_NUMBER = ["1", True, 1 + 2j, None, [1.0]]
NOT_A_STR = [5, 1.5, b"x", ["x"]]
NOT_A_DIGITS = [0, 18, 1.5, True, "4", None]
NOT_A_PATH = [5, None, 1.5]

TMP = pathlib.Path(tempfile.mkdtemp())


def _graph() -> Tuple[Value, Value]:
    x = Value(2.0, label="x")
    y = (x * 3).tanh()
    y.label = "y"
    y.backward()
    return y, x


def _graph_and_leaf() -> Tuple[Value, List[Value]]:
    y, x = _graph()
    return y, [x]


def _root() -> Value:
    return _graph()[0]


def _tape() -> Any:
    return autograd.compile(_root())


def _batched() -> Any:
    pytest.importorskip("numpy")
    x = Value(1.0, label="x")
    t = autograd.compile_batched((x * 3).tanh(), [x])
    t.forward([[1.0], [2.0]])
    return t


def _model() -> MLP:
    return MLP(2, [3, 1], seed=0)


def _opt() -> Any:
    return optim.SGD([Value(1.0)], lr=0.1)


# (name shown in the message, callable, valid keyword arguments, {parameter: bad values})
Row = Tuple[str, Callable[..., Any], Callable[[], Dict[str, Any]], Dict[str, List[Any]]]

TABLE: List[Row] = [
    ("Value", Value, lambda: {"data": 2.0, "label": "x"},
     {"data": NOT_A_NUMBER + [10 ** 400], "label": NOT_A_STR + [None]}),
    ("backward", lambda self, **kw: self.backward(**kw), lambda: {"self": _root(), "gradient": 1.0},
     {"gradient": NOT_A_NUMBER + [10 ** 400], "create_graph": ["yes", None, 1.5]}),
    ("grad", autograd.grad, lambda: {"f": lambda x: x * x, "argnums": 0},
     {"f": [3.0, None], "argnums": [-1.5, "0", None, (), True]}),
    ("gradcheck", lambda f, x, **kw: autograd.gradcheck(f, x, **kw), lambda: {"f": lambda x: x * x, "x": 1.0},
     {"f": [3.0, None], "eps": [0.0, -1e-6, NAN, "1e-6"], "atol": [-1.0, NAN, "0"], "rtol": [-1.0, NAN, "0"]}),
    ("backprop", autograd.backprop, lambda: {"root": _root(), "seed": 1.0, "create_graph": False},
     {"root": NOT_A_VALUE, "seed": NOT_A_NUMBER, "create_graph": ["yes", None, 1.5]}),
    ("topological_order", autograd.topological_order, lambda: {"root": _root()}, {"root": NOT_A_VALUE}),
    ("backward_order", autograd.backward_order, lambda: {"root": _root()}, {"root": NOT_A_VALUE}),
    ("compile", autograd.compile, lambda: {"root": _root()}, {"root": NOT_A_VALUE}),
    ("compile_batched", autograd.compile_batched, lambda: dict(zip(("root", "inputs"), _graph_and_leaf())),
     {"root": NOT_A_VALUE, "inputs": [None, 3.0, [3.0]]}),
    ("backward", lambda self, **kw: self.backward(**kw), lambda: {"self": _batched(), "weights": 1.0},
     {"weights": [None, "1", NAN, [1.0, 2.0, 3.0], True]}),
    ("forward", lambda self, **kw: self.forward(**kw), lambda: {"self": _batched(), "batch": [[1.0]]},
     {"batch": [None, "ab", [["a"]], [[1.0, 2.0]], 3.0]}),
    ("backprop_steps", autograd.backprop_steps, lambda: {"root": _root(), "seed": 1.0},
     {"root": NOT_A_VALUE, "seed": NOT_A_FINITE_NUMBER}),
    ("explain", autograd.explain, lambda: {"root": _root()},
     {"root": NOT_A_VALUE, "wrt": [3.0, "x"], "format": ["rtf", 5, None], "digits": NOT_A_DIGITS,
      "max_paths": NOT_A_POSITIVE_INT}),
    # nn
    ("Neuron", Neuron, lambda: {"nin": 2},
     {"nin": NOT_A_POSITIVE_INT, "activation": ["nope", 5], "init": ["nope", 5], "seed": ["s", 1.5],
      "negative_slope": NOT_A_FINITE_NUMBER, "fan_out": NOT_A_POSITIVE_INT}),
    ("Layer", Layer, lambda: {"nin": 2, "nout": 3},
     {"nin": NOT_A_POSITIVE_INT, "nout": NOT_A_POSITIVE_INT, "activation": ["nope", 5]}),
    ("MLP", MLP, lambda: {"nin": 2, "nouts": [3, 1]},
     {"nin": NOT_A_POSITIVE_INT, "nouts": [3, "31", [], [0], [1.5], None], "activation": ["nope", 5, ["relu"]],
      "init": ["nope", 5], "seed": ["s", 1.5], "output_activation": ["nope", 5],
      "negative_slope": NOT_A_FINITE_NUMBER}),
    ("fit", fit, lambda: {"model": _model(), "X": [[1.0, 2.0]], "y": [1.0], "epochs": 1, "progress": False},
     {"X": [[[1.0]], [["a", 1.0]], [[NAN, 1.0]], 5], "y": [[NAN], [1.0, 2.0], 5], "loss": ["nope", 5],
      "optimizer": ["sgd", 5], "epochs": [-1, 1.5, "3", True], "batch_size": [0, 1.5, "3", True],
      "lr": [NAN, -1.0, "0.1"], "l2": [NAN, -1.0, "0"], "schedule": [5, "x"], "metrics": [["nope"], 5],
      "engine": ["nope", 5], "validation_data": [([[1.0]], [1.0]), 5]}),
    ("accuracy", accuracy, lambda: {"model": _model(), "X": [[1.0, 2.0]], "y": [1.0]},
     {"X": [[[1.0]], 5], "y": [[1.0, 2.0]], "threshold": ["0.5", NAN]}),
    ("evaluate", evaluate, lambda: {"model": _model(), "X": [[1.0, 2.0]], "y": [1.0]},
     {"X": [[[1.0]], 5], "y": [[1.0, 2.0]], "loss": ["nope", 5]}),
    ("predict", predict, lambda: {"model": _model(), "X": [[1.0, 2.0]]}, {"X": [[[1.0]], 5]}),
    ("tutorial_network", tutorial_network, lambda: {"weight": 1.0}, {"weight": NOT_A_FINITE_NUMBER}),
    ("mse", losses.mse, lambda: {"outputs": [Value(1.0)], "targets": [1.0]},
     {"outputs": [None, "a"], "targets": [None, "a", [1.0, 2.0]], "reduction": ["nope", 5]}),
    ("hinge", losses.hinge, lambda: {"outputs": [Value(1.0)], "targets": [1.0]},
     {"targets": [[2.0], None], "margin": NOT_A_FINITE_NUMBER, "reduction": ["nope", 5]}),
    ("binary_cross_entropy", losses.binary_cross_entropy, lambda: {"outputs": [Value(0.5)], "targets": [1.0]},
     {"targets": [[2.0], [NAN], None], "reduction": ["nope", 5]}),
    ("cross_entropy", losses.cross_entropy, lambda: {"outputs": [[Value(0.5), Value(0.1)]], "targets": [1]},
     {"targets": [[2], [0.5], ["a"], None], "reduction": ["nope", 5]}),
    ("l2", losses.l2, lambda: {"parameters": [Value(1.0)], "alpha": 1.0},
     {"parameters": [None, 5, [1.0]], "alpha": NOT_A_FINITE_NUMBER}),
    ("SGD", optim.SGD, lambda: {"params": [Value(1.0)], "lr": 0.1},
     {"params": [None, 5, [1.0], []], "lr": NOT_A_FINITE_NUMBER + [-1.0], "momentum": NOT_A_FINITE_NUMBER,
      "weight_decay": NOT_A_FINITE_NUMBER, "dampening": NOT_A_FINITE_NUMBER}),
    ("Adam", optim.Adam, lambda: {"params": [Value(1.0)]},
     {"params": [None, 5], "lr": NOT_A_FINITE_NUMBER, "betas": [(0.9,), (1.5, 0.9), "ab", None],
      "eps": NOT_A_FINITE_NUMBER}),
    ("LinearDecay", optim.LinearDecay, lambda: {"optimizer": _opt()},
     {"optimizer": [None, 5], "start_factor": NOT_A_FINITE_NUMBER, "total_iters": NOT_A_POSITIVE_INT}),
    ("StepDecay", optim.StepDecay, lambda: {"optimizer": _opt(), "step_size": 2},
     {"optimizer": [None, 5], "step_size": NOT_A_POSITIVE_INT, "gamma": NOT_A_FINITE_NUMBER}),
    ("LambdaSchedule", optim.LambdaSchedule, lambda: {"optimizer": _opt(), "fn": lambda k: 1.0},
     {"optimizer": [None, 5], "fn": [None, 5]}),
    ("xor", data.xor, lambda: {}, {"n": NOT_A_POSITIVE_INT, "noise": NOT_A_FINITE_NUMBER + [-1.0]}),
    ("moons", data.moons, lambda: {}, {"n": NOT_A_POSITIVE_INT, "noise": NOT_A_FINITE_NUMBER + [-1.0],
                                       "seed": ["s", 1.5]}),
    ("circles", data.circles, lambda: {}, {"n": NOT_A_POSITIVE_INT, "factor": NOT_A_FINITE_NUMBER}),
    ("spiral", data.spiral, lambda: {}, {"n": NOT_A_POSITIVE_INT, "classes": NOT_A_POSITIVE_INT}),
    ("house_prices", data.house_prices, lambda: {}, {"n": NOT_A_POSITIVE_INT, "noise": NOT_A_FINITE_NUMBER}),
    ("split", data.split, lambda: {"X": [[1.0], [2.0]], "y": [0, 1]},
     {"X": [5, [[1.0]]], "test_size": [NAN, -0.5, 1.5, "0.5", True]}),
    ("standardize", data.standardize, lambda: {"X": [[1.0], [2.0]]},
     {"X": [5, [["a"]], [[NAN]]], "mean": [["a"], [1.0, 2.0]], "std": [[0.0], ["a"]]}),
    # viz
    ("draw_graph", viz.draw_graph, lambda: {"root": _root()},
     {"root": NOT_A_VALUE, "rankdir": ["XY", 5], "max_nodes": [0, 1.5, "5"], "color_by": ["nope", 5],
      "params": [5, [3.0]], "digits": NOT_A_DIGITS, "legend": ["yes", None, 1.5]}),
    ("draw_network", viz.draw_network, lambda: {"model": _model()},
     {"model": [None, 5, _root()], "show": ["nope", 5], "x": [[1.0], ["a", 1.0], 5], "max_edges": [0, 1.5],
      "rankdir": ["XY", 5], "digits": NOT_A_DIGITS}),
    ("save_backprop_html", viz.save_backprop_html, lambda: {"root": _root(), "path": TMP / "s.html"},
     {"root": NOT_A_VALUE, "path": NOT_A_PATH, "title": [5, ["t"]], "rankdir": ["XY", 5],
      "max_nodes": [0, 1.5], "digits": NOT_A_DIGITS, "mode": ["sideways", 5, None], "wrt": ["x", 5, _root()]}),
    ("save_backprop_html", viz.save_backprop_html,
     lambda: {"root": _root(), "path": TMP / "f.html", "mode": "forward", "wrt": "x"},
     {"wrt": [None, "z", 5, [], ["x", 2.0], Value(1.0), _root()], "level": ["neuron", "cell"],
      "mode": ["Forward"]}),
    ("save_slides", viz.save_slides, lambda: {"root": _root(), "folder": TMP / "slides", "dpi": 72},
     {"root": NOT_A_VALUE, "folder": NOT_A_PATH, "dpi": [20, 601, 1.5, True, "200", None], "title": [5, ["t"]],
      "rankdir": ["XY", 5], "max_nodes": [0, 1.5], "digits": NOT_A_DIGITS, "level": ["cell", 5]}),
    ("backprop_html", viz.backprop_html, lambda: {"root": _root()},
     {"root": NOT_A_VALUE, "title": [5, ["t"]], "digits": NOT_A_DIGITS}),
    ("plot_loss", viz.plot_loss, lambda: {"history": [1.0, 0.5], "path": TMP / "l.svg"},
     {"history": [5, None, ["a"]], "path": [5, 1.5], "title": [5, None], "logy": ["yes", 1.5]}),
    ("plot_decision_boundary", viz.plot_decision_boundary,
     lambda: {"model": _model(), "X": [[0.0, 0.0], [1.0, 1.0]], "y": [0, 1], "path": TMP / "b.svg",
              "resolution": 5},
     {"model": [None, 5], "X": [5, [[0.0]], [["a", 1.0], [1.0, 1.0]]], "y": [[0]], "path": [5, 1.5],
      "resolution": [1, 1.5, "5"], "threshold": ["0.5", NAN], "title": [5, None]}),
    ("node_kind", viz.node_kind, lambda: {"v": _root()}, {"v": NOT_A_VALUE, "params": [5, [3.0]]}),
    ("node_names", viz.node_names, lambda: {"root": _root()}, {"root": NOT_A_VALUE}),
    ("local_rule", viz.local_rule, lambda: {"node": _root(), "position": 0},
     {"node": NOT_A_VALUE, "position": [2, -1, 1.5, "0", None]}),
    ("unit_names", viz.unit_names, lambda: {"model": _model()}, {"model": [None, 5, _root()]}),
    ("weight_names", viz.weight_names, lambda: {"model": _model()}, {"model": [None, 5, _root()]}),
]


def _cases():
    for name, fn, valid, bad in TABLE:
        for param, values in bad.items():
            for value in values:
                yield pytest.param(name, fn, valid, param, value, id=f"{name}-{param}-{value!r}"[:80])


def _call(fn: Callable[..., Any], kwargs: Dict[str, Any]) -> Any:
    kwargs = dict(kwargs)
    if "self" in kwargs:
        return fn(kwargs.pop("self"), **kwargs)
    return fn(**kwargs)


@pytest.mark.parametrize("name, fn, valid", [pytest.param(n, f, v, id=n) for n, f, v, _ in TABLE])
def test_the_valid_call_of_each_row_works(name, fn, valid):
    _call(fn, valid())


@pytest.mark.parametrize("name, fn, valid, param, value", list(_cases()))
def test_bad_input_is_a_clear_error(name, fn, valid, param, value):
    kwargs = valid()
    kwargs[param] = value
    with pytest.raises((TypeError, ValueError)) as info:
        _call(fn, kwargs)
    message = str(info.value)
    assert type(info.value).__name__ not in ("AttributeError",)
    assert name in message, f"the message does not name {name}(): {message}"
    assert param in message or param == "self", f"the message does not name the argument {param}: {message}"
