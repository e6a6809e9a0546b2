"""autograd.expr: the expression grammar, below viz so exercises and the playground can use it."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from autograd.expr import ExpressionError, evaluate


def test_expressions_exercises_and_the_bug_zoo_need_only_the_standard_library():
    # the browser playground imports these under Pyodide, where only the standard library is there
    code = ("import sys, autograd.expr, autograd.exercises, autograd.bugzoo; "
            "autograd.exercises.make_exercise(1, 3).check({}); "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('viz', 'nn', 'graphviz', 'numpy', 'torch')); print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_shared_subexpression_is_one_node_used_twice():
    out, leaves = evaluate("tanh(x*y) + (x*y)**2", {"x": 0.5, "y": -1.5}, share=True)
    first, second = out.parents
    assert first.parents[0] is second.parents[0]          # x*y computed once
    out.backward()
    x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(-1.5, dtype=torch.float64, requires_grad=True)
    (torch.tanh(x * y) + (x * y) ** 2).backward()
    assert leaves["x"].grad == pytest.approx(x.grad.item(), rel=1e-12)
    assert leaves["y"].grad == pytest.approx(y.grad.item(), rel=1e-12)


def test_without_share_each_occurrence_is_its_own_node():
    out, _ = evaluate("x*y + x*y", {"x": 1.0, "y": 2.0})
    assert out.parents[0] is not out.parents[1]
    out, _ = evaluate("x*y + x * y", {"x": 1.0, "y": 2.0}, share=True)   # spacing does not matter
    assert out.parents[0] is out.parents[1]


def test_missing_value_wording():
    with pytest.raises(ExpressionError, match=r"unknown name 'y': give its value as y=\.\.\. \(given: x\)"):
        evaluate("x + y", {"x": 1.0})
    with pytest.raises(ExpressionError, match="with --at y="):
        evaluate("x + y", {"x": 1.0}, option="--at")


def test_no_eval_still():
    with pytest.raises(ExpressionError, match="attribute access"):
        evaluate("x.__class__", {"x": 1.0}, share=True)
