"""gradcheck(): agrees with backward() on smooth functions, and when a derivative is wrong it
raises GradcheckError naming the input and both numbers."""

import math
import re

import pytest

from autograd import GradcheckError, Value, gradcheck, ops

SMOOTH = {
    "README": (lambda a, b: (a * b).sin() + a.exp() / b, [(0.3, 1.7), (-1.2, 0.4), (2.0, -3.0)]),
    "tanh-mul-exp": (lambda x, y: (x * y).tanh() + x.exp(), [(0.5, -1.5), (0.0, 0.0), (-2.0, 0.7)]),
    "log-sqrt": (lambda x: (x * x + 1).log() * (x.abs() + 1).sqrt(), [(0.5,), (-3.0,), (10.0,)]),
    "pow-value": (lambda x, y: x ** y + y ** 2.5 - 2 ** (x - y), [(1.5, 0.7), (0.4, 2.0), (3.0, 1.1)]),
    "sigmoid-softplus": (lambda x: x.sigmoid() * x.softplus() - x.cos(), [(-4.0,), (0.0,), (4.0,)]),
    "three-inputs": (lambda x, y, z: x * y * z / (1 + z * z) - (x - y).relu(), [(1.0, -2.0, 0.5), (0.1, 0.2, 0.3)]),
}


@pytest.mark.parametrize("name", SMOOTH)
def test_agrees_on_smooth_functions(name):
    f, points = SMOOTH[name]
    for point in points:
        assert gradcheck(f, *point) is True


def test_relu_at_its_kink_is_reported():
    # backward() says 0 there (PyTorch's convention); central differences see the average slope 0.5.
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: x.relu(), 0.0)
    message = str(info.value)
    assert "input 0 (at 0.0)" in message
    assert "is 0.0 by backward()" in message
    assert "but 0.5 by central differences" in message
    assert isinstance(info.value, AssertionError)  # so it reads as a test failure


@pytest.fixture
def wrong_sin(monkeypatch):
    """The sin op with a derivative that is off by 0.1 (monkeypatch restores the true one)."""
    monkeypatch.setattr(ops.SIN, "local", lambda out, x: (ops._cos(x) + 0.1,))
    yield


def test_a_wrong_derivative_is_caught_with_input_index_and_both_numbers(wrong_sin):
    a, b, eps = 0.4, 1.2, 1e-6
    analytic = math.cos(b) + 0.1
    numeric = ((a + math.sin(b + eps)) - (a + math.sin(b - eps))) / (2 * eps)  # what gradcheck computes
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: x + y.sin(), a, b)
    message = str(info.value)
    assert f"d f / d input 1 (at {b!r}) is {analytic!r} by backward() but {numeric!r} by central differences" in message
    assert "eps=1e-06" in message
    assert re.search(r"\|difference\| 0\.1\d* > tolerance", message)


def test_the_wrong_derivative_fixture_restores_the_op():
    x = Value(1.2)
    x.sin().backward()
    assert x.grad == math.cos(1.2)
    assert gradcheck(lambda x: x.sin(), 1.2)


def test_the_worst_input_is_named(wrong_sin):
    with pytest.raises(GradcheckError, match=r"input 2 \(at 3\.0\)"):
        gradcheck(lambda x, y, z: x * y + z.sin(), 1.0, 2.0, 3.0)


def test_tolerances_are_respected(wrong_sin):
    # The patched sin is 0.1 off: inside atol=0.2 (or rtol=0.5 of cos(0.3) ~ 0.96), outside the defaults.
    assert gradcheck(lambda x: x.sin(), 0.3, atol=0.2)
    assert gradcheck(lambda x: x.sin(), 0.3, atol=0, rtol=0.5)
    with pytest.raises(GradcheckError, match=r"tolerance 0\.1\b"):
        gradcheck(lambda x: x.sin(), 0.3, atol=0.1, rtol=0)


def test_abs_at_its_kink_agrees():
    assert gradcheck(lambda x: x.abs(), 0.0)  # backward's 0 is the symmetric difference too


def test_a_nan_derivative_never_agrees():
    # sqrt'(0) = inf times abs'(0) = 0 is nan (as in PyTorch); the differences say 0.
    with pytest.raises(GradcheckError, match=r"input 0 \(at 0\.0\) is nan by backward\(\) but 0\.0"):
        gradcheck(lambda x: x.abs().sqrt(), 0.0)


@pytest.mark.parametrize(
    "call, error, pattern",
    [
        (lambda: gradcheck(lambda x: x, "1.0"), TypeError, r"gradcheck\(\) input 0 needs an int or float, got str"),
        (lambda: gradcheck(lambda x, y: x, 1.0, None), TypeError, r"gradcheck\(\) input 1 needs an int or float, "
                                                                   r"got NoneType"),
        (lambda: gradcheck(lambda x: x, Value(1.0)), TypeError, r"input 0 needs an int or float, got Value"),
        (lambda: gradcheck(lambda x: x, True), TypeError, r"input 0 needs an int or float, got bool"),
        (lambda: gradcheck(lambda x: x, 1.0, eps=0), ValueError, r"eps must be a positive number, got 0"),
        (lambda: gradcheck(lambda x: x, 1.0, eps=-1e-6), ValueError, r"eps must be a positive number, got -1e-06"),
        (lambda: gradcheck(lambda x: x, 1.0, eps="small"), ValueError, r"eps must be a positive number, got 'small'"),
        (lambda: gradcheck(lambda x: x, 1.0, atol=-1), ValueError, r"atol must be a non-negative number, got -1"),
        (lambda: gradcheck(lambda x: x, 1.0, rtol=math.nan), ValueError, r"rtol must be a non-negative number"),
        (lambda: gradcheck(lambda x: x), ValueError, r"gradcheck\(\) needs at least one input"),
        (lambda: gradcheck("f", 1.0), TypeError, r"gradcheck\(\) needs a function, got str"),
        (lambda: gradcheck(lambda x: 3.0, 1.0), TypeError, r"needs f to return a Value, got float"),
    ],
    ids=["str", "None", "Value", "bool", "eps=0", "eps<0", "eps-str", "atol<0", "rtol-nan", "no-input",
         "not-callable", "returns-float"],
)
def test_bad_arguments_raise_clear_errors(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
