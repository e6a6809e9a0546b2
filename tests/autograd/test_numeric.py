"""Finite differences and their V-shaped error curve, against exact derivatives."""

from __future__ import annotations

import math

import pytest

from autograd import finite_difference, step_size_errors
from autograd.numeric import default_steps

EPS = 2.0 ** -52


def test_schemes_by_hand():
    f = lambda x: x ** 3  # noqa: E731   f' = 3x², f'' = 6x, f''' = 6
    assert finite_difference(f, 2.0, h=0.5, scheme="forward") == (2.5 ** 3 - 8) / 0.5
    assert finite_difference(f, 2.0, h=0.5, scheme="backward") == (8 - 1.5 ** 3) / 0.5
    assert finite_difference(f, 2.0, h=0.5) == (2.5 ** 3 - 1.5 ** 3) / 1.0 == 12.25  # 12 + h²·f'''/6
    assert finite_difference(lambda x: 3.0, 1.0) == 0.0  # a function that returns a number


def test_the_error_curve_is_a_v():
    exact = math.exp(1.0)
    for scheme, order, best_range in (("forward", 1, (1e-9, 1e-7)), ("central", 2, (1e-6, 1e-4))):
        rows = step_size_errors(lambda x: x.exp(), 1.0, scheme=scheme)
        assert [r.h for r in rows] == default_steps()
        best = min(rows, key=lambda r: r.error)
        assert best_range[0] <= best.h <= best_range[1], (scheme, best)
        # truncation: the error of a large step is what Taylor says (h f''/2, or h² f'''/6)
        h = 1e-2
        taylor = exact * (h / 2 if order == 1 else h * h / 6)
        (large,) = step_size_errors(lambda x: x.exp(), 1.0, steps=[h], scheme=scheme)
        assert large.error == pytest.approx(taylor, rel=0.01)
        # both arms are far above the bottom of the V
        assert rows[0].error > 1e4 * best.error and rows[-1].error > 1e4 * best.error
        # rounding: below the bottom, the error is of the order ε·f/h
        small = [r for r in rows if 1e-15 <= r.h <= 1e-12]
        assert all(0.001 < r.error / (EPS * exact / r.h) < 10 for r in small), small


def test_exact_may_be_given_and_defaults_to_reverse_mode():
    rows = step_size_errors(lambda x: x.sin(), 0.3, steps=[1e-3])
    assert rows[0].error == abs(rows[0].estimate - math.cos(0.3))
    assert step_size_errors(lambda x: x.sin(), 0.3, steps=[1e-3], exact=0.0)[0].error == abs(rows[0].estimate)


def test_bad_arguments():
    with pytest.raises(TypeError, match=r"finite_difference\(\) needs a function, got int"):
        finite_difference(1, 1.0)
    with pytest.raises(TypeError, match=r"finite_difference\(\) x needs an int or float, got str"):
        finite_difference(lambda x: x, "1")
    with pytest.raises(ValueError, match=r"h must be a positive number, got 0"):
        finite_difference(lambda x: x, 1.0, h=0)
    with pytest.raises(ValueError, match=r"scheme must be 'forward', 'backward' or 'central', got 'left'"):
        step_size_errors(lambda x: x, 1.0, scheme="left")
    with pytest.raises(ValueError, match=r"steps\[1\] must be a positive number, got -1"):
        step_size_errors(lambda x: x, 1.0, steps=[1e-3, -1])
    with pytest.raises(ValueError, match=r"steps is empty"):
        step_size_errors(lambda x: x, 1.0, steps=[])
    with pytest.raises(TypeError, match=r"needs f to return a Value or a number, got str"):
        finite_difference(lambda x: "y", 1.0)
