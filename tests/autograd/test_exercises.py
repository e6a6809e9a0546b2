"""Exercises: the right answers (against PyTorch), the levels, and diagnoses computed by wrong backward passes."""

from __future__ import annotations

import math

import pytest
import torch

from autograd.exercises import MISCONCEPTIONS, Exercise, close, make_exercise

TORCH = {"tanh": torch.tanh, "exp": torch.exp, "sigmoid": torch.sigmoid, "relu": torch.relu, "log": torch.log}


def torch_gradients(ex: Exercise) -> dict:
    xs = {n: torch.tensor(v, dtype=torch.float64, requires_grad=True) for n, v in ex.values.items()}
    # the expression comes from make_exercise/from_expression (checked against the whitelist): safe to eval here
    out = eval(ex.expression, {"__builtins__": {}, **TORCH}, dict(xs))
    out.backward()
    return {n: x.grad.item() for n, x in xs.items()}


def rounded(x: float, digits: int = 4) -> float:
    return float(f"{x:.{digits}g}")


# --- the right answers ------------------------------------------------------------------------------

def test_karpathy_neuron_against_torch():
    ex = Exercise.from_expression("tanh(x*w + b)", x=2, w=-3, b=6.88)
    assert ex.definitions == {"h1": "x·w", "h2": "h1 + b", "L": "tanh(h2)"}
    want = torch_gradients(ex)
    for name, g in ex.answers().items():
        assert g == pytest.approx(want[name], rel=1e-12)
    assert ex.answers()["w"] == pytest.approx(2 * (1 - math.tanh(0.88) ** 2), rel=1e-12)
    assert ex.gradients()["L"] == 1.0


@pytest.mark.parametrize("level", [1, 2, 3])
def test_random_answers_agree_with_torch(level):
    for seed in range(40):
        ex = make_exercise(seed, level)
        want = torch_gradients(ex)
        for name, g in ex.answers().items():
            assert g == pytest.approx(want[name], rel=1e-9, abs=1e-12), (ex, name)


def test_a_thousand_random_exercises_answered_right_grade_right():
    for i in range(1000):
        ex = make_exercise(i // 3, level=1 + i % 3)
        answers = {n: rounded(g) for n, g in ex.answers().items()}   # students round to 4 digits
        feedback = ex.check(answers)
        assert feedback.correct and feedback.edge is None, (ex, str(feedback))
        assert feedback.score == (len(ex.values), len(ex.values))


# --- the levels ---------------------------------------------------------------------------------------

LEVEL_OPS = {1: {"add", "sub", "mul"}, 2: {"add", "sub", "mul", "tanh", "exp", "sigmoid", "relu", "pow"}}
LEVEL_OPS[3] = LEVEL_OPS[2] | {"div", "log"}


@pytest.mark.parametrize("level", [1, 2, 3])
def test_level_contents(level):
    for seed in range(150):
        ex = make_exercise(seed, level)
        ops = [v.op for v in ex.nodes.values() if not v.is_leaf]
        assert 3 <= ex.ops == len(ops) <= 12
        assert set(ops) <= LEVEL_OPS[level], ex
        uses: dict = {}
        for v in ex.nodes.values():
            for p in v.parents:
                uses[p] = uses.get(p, 0) + 1
        shared = [v for v, n in uses.items() if n > 1 and not v.is_leaf]
        if level >= 2:
            assert set(ops) & {"tanh", "exp", "sigmoid", "relu", "pow"}, ex
        if level == 3:
            assert shared and set(ops) & {"div", "log"}, ex
            assert all(v.is_leaf or uses.get(v, 0) <= 2 for v in ex.nodes.values())
        else:
            assert not shared and all(n == 1 for n in uses.values() if n), ex   # trees: every node used once
        assert all(0.01 <= abs(g) <= 200 for g in ex.answers().values())


def test_same_seed_same_exercise_and_seeds_differ():
    for level in (1, 2, 3):
        a, b = make_exercise(11, level), make_exercise(11, level)
        assert (a.expression, a.values) == (b.expression, b.values)
        assert len({make_exercise(s, level).expression for s in range(30)}) >= 25


def test_make_exercise_bad_arguments():
    with pytest.raises(ValueError, match="level must be 1, 2 or 3, got 4"):
        make_exercise(0, level=4)
    with pytest.raises(TypeError, match="seed must be an int, got str"):
        make_exercise("0")  # type: ignore[arg-type]


# --- checking -------------------------------------------------------------------------------------------

def test_tolerance():
    assert close(1.0009, 1.0) and not close(1.0011, 1.0)
    assert close(5e-7, 0.0) and not close(2e-6, 0.0)
    ex = Exercise.from_expression("x*y", x=2, y=3)
    assert ex.check({"x": 3.002, "y": 1.999}).correct
    assert not ex.check({"x": 3.004, "y": 2}).correct


def test_missing_unknown_and_non_numbers():
    ex = Exercise.from_expression("x*y + 1", x=2, y=3)
    fb = ex.check({"x": 3})
    assert not fb.correct and fb.results["y"].missing and fb.results["y"].given is None
    assert fb.results["x"].correct
    assert "dL/dy is missing" in str(fb)
    with pytest.raises(ValueError, match="unknown name 'z'"):
        ex.check({"x": 3, "z": 1})
    for bad in ("3", None, True, float("nan"), [3]):
        with pytest.raises(ValueError, match="the answer for 'x' must be a finite number"):
            ex.check({"x": bad, "y": 2})
    with pytest.raises(TypeError, match="check\\(\\) needs a dict"):
        ex.check([3, 2])  # type: ignore[arg-type]


def test_from_expression_errors():
    with pytest.raises(ValueError, match="unknown name 'y'"):
        Exercise.from_expression("x*y", x=1)
    with pytest.raises(ValueError, match="z is given a value but not in the expression"):
        Exercise.from_expression("x*y", x=1, y=2, z=3)
    with pytest.raises(ValueError, match="the value of 'x' must be a finite number"):
        Exercise.from_expression("x*y", x="1", y=2)
    with pytest.raises(ValueError, match="no variables"):
        Exercise.from_expression("2*3")
    with pytest.raises(ValueError, match="no operation"):
        Exercise.from_expression("x", x=1)
    assert Exercise.from_expression("L*2", L=1).definitions == {"out": "L·2"}   # a variable may be called L
    with pytest.raises(ValueError, match="attribute access"):
        Exercise.from_expression("x.__class__", x=1)


# --- the catalogue and diagnoses ----------------------------------------------------------------------

@pytest.mark.parametrize("name", list(MISCONCEPTIONS))
def test_each_catalogue_example_is_computed(name):
    m = MISCONCEPTIONS[name]
    ex = Exercise(m.expression, m.values)
    assert ex.answers()[m.leaf] == pytest.approx(m.correct, rel=1e-12)
    assert ex.mistaken(name)[m.leaf] == pytest.approx(m.wrong, rel=1e-12)
    assert f"{m.wrong:g}" in m.example.replace("−", "-") and m.expression in m.example.replace(" ", "")
    answers = dict(ex.answers(), **{m.leaf: m.wrong})
    result = ex.check(answers).results[m.leaf]
    assert not result.correct and name in result.misconceptions


@pytest.mark.parametrize("expression, values, name, leaf, edge", [
    ("tanh(x*w + b)", dict(x=2, w=-3, b=6.88), "tanh-input", "w", "∂L/∂h2"),
    ("sigmoid(x*w + b)", dict(x=0.5, w=-1.5, b=0.25), "sigmoid-input", "x", "∂L/∂h2"),
    ("(x*y + z)**2", dict(x=0.5, y=3, z=-1), "product-swap", "x", "∂h1/∂x"),
    ("(x*y + z)**2", dict(x=0.5, y=3, z=-1), "power-rule", "z", "∂L/∂h2"),
    ("(x + y)/(y*z)", dict(x=1.5, y=2, z=0.5), "quotient-sign", "y", "∂L/∂h2"),
    ("tanh(x*y) + (x*y)**2", dict(x=0.5, y=-1.5), "no-accumulate", "x", "∂h2/∂h1"),
    ("exp(x*y)*z", dict(x=0.5, y=-1, z=2), "no-upstream", "x", "∂h1/∂x"),
    ("exp(x*y)*z", dict(x=0.5, y=-1, z=2), "sign", "y", None),
])
def test_diagnosis_on_graphs_where_it_shows(expression, values, name, leaf, edge):
    ex = Exercise.from_expression(expression, **values)
    wrong = ex.mistaken(name)
    assert not close(wrong[leaf], ex.answers()[leaf])          # the mistake shows on this leaf
    answers = dict(ex.answers(), **{leaf: wrong[leaf]})
    fb = ex.check(answers)
    r = fb.results[leaf]
    assert not fb.correct and r.misconceptions == (name,) and r.misconception == name
    assert (str(r.edge) if r.edge else None) == edge and fb.edge == r.edge
    assert all(fb.results[n].correct for n in ex.values if n != leaf)
    text = str(fb)
    assert f"({name})" in text and f"it is {ex.answers()[leaf]:.4g}" in text


def test_two_misconceptions_with_the_same_number_are_both_named():
    ex = Exercise.from_expression("x/y", x=3, y=2)
    r = ex.check({"x": 0.5, "y": 0.75}).results["y"]
    assert r.misconceptions == ("quotient-sign", "sign")
    assert "(quotient-sign), or when you lose or gain a minus sign" in str(r) and "these 2 slips" in str(r)


def test_the_pass_that_explains_most_answers_locates_the_slip():
    # dL/dw = x = 2 is the local derivative alone: either at h1 -> w, or at h2 -> h1 and then on correctly.
    # The second would also make dL/dx wrong (-3), and the student got dL/dx right: so the slip is at h1 -> w.
    ex = Exercise.from_expression("tanh(x*w + b)", x=2, w=-3, b=6.88)
    right = ex.answers()
    fb = ex.check({"x": rounded(right["x"]), "w": 2.0, "b": rounded(right["b"])})
    assert fb.results["w"].misconception == "no-upstream"
    assert str(fb.edge) == "∂h1/∂w" and fb.edge.rule == "x" and fb.edge.local == 2.0
    assert ("Your chain first goes wrong at ∂h1/∂w = x = 2.0: multiply it by the gradient arriving from above, "
            "dL/dh1 = 0.501.") in str(fb)


def test_intermediate_answers_locate_an_unexplained_slip():
    ex = Exercise.from_expression("tanh(x*w + b)", x=2, w=-3, b=6.88)
    g = ex.gradients()
    fb = ex.check({"x": 7.0, "w": rounded(g["w"]), "b": rounded(g["b"]), "h2": rounded(g["h2"]),
                   "h1": rounded(g["h1"])})
    assert fb.results["x"].misconception is None and not fb.results["x"].correct
    assert fb.results["h1"].correct and str(fb.edge) == "∂h1/∂x"
    # without h1 answered, nothing says where the chain broke
    assert ex.check({"x": 7.0, "w": g["w"], "b": g["b"]}).edge is None


@pytest.mark.parametrize("level", [1, 2, 3])
def test_every_misconception_is_diagnosed_on_random_exercises(level):
    shown = {name: 0 for name in MISCONCEPTIONS}
    for seed in range(60):
        ex = make_exercise(seed, level)
        right = ex.answers()
        for name in MISCONCEPTIONS:
            wrong = ex.mistaken(name)
            answers = {n: wrong[n] for n in ex.values}
            fb = ex.check(answers)
            for n in ex.values:
                if close(wrong[n], right[n]):
                    assert fb.results[n].correct
                    continue
                shown[name] += 1
                assert name in fb.results[n].misconceptions, (ex, name, n, str(fb))
                if name != "sign":
                    assert fb.results[n].edge is not None
    expected = {1: {"sign", "no-upstream", "product-swap"},
                2: {"sign", "no-upstream", "product-swap", "tanh-input", "sigmoid-input", "power-rule"},
                3: set(MISCONCEPTIONS)}[level]
    assert {name for name, n in shown.items() if n} >= expected, shown


def test_misconceptions_are_diagnosed_in_every_box_of_a_worksheet():
    # a student who fills in every box (h1, h2, ... too) with one mistake made throughout
    for level in (1, 2, 3):
        for seed in range(15):
            ex = make_exercise(seed, level)
            right = ex.gradients()
            for name in MISCONCEPTIONS:
                wrong = ex.mistaken(name)
                feedback = ex.check(wrong)
                for n, r in feedback.results.items():
                    assert r.correct == close(wrong[n], right[n])
                    if not r.correct:
                        assert name in r.misconceptions, (ex, name, n)


def test_the_feedback_printed_in_the_docs_is_what_check_prints():
    import pathlib
    import re

    page = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "exercises.md").read_text(encoding="utf-8")
    printed = re.search(r"^prints\n\n```\n(.*?)```", page, flags=re.S | re.M).group(1)
    ex = Exercise.from_expression("tanh(x*w + b)", x=2, w=-3, b=6.88)
    assert str(ex.check({"x": -1.503, "w": -1.503, "b": 0.501})) + "\n" == printed
