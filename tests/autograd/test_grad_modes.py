"""no_grad(), enable_grad(), detach() and detect_anomaly()."""

import math

import pytest

from autograd import (
    AnomalyError,
    Value,
    detect_anomaly,
    enable_grad,
    grad,
    is_anomaly_enabled,
    is_grad_enabled,
    mode,
    no_grad,
)


@pytest.fixture(autouse=True)
def _switches_restored():
    """Every test here starts and ends with recording on and anomaly detection off, so a switch
    that leaks out of its block fails the test that leaked it."""
    assert is_grad_enabled() and not is_anomaly_enabled()
    yield
    leaked = (is_grad_enabled(), is_anomaly_enabled())
    mode.reset()
    assert leaked == (True, False), "no_grad() or detect_anomaly() is still switched on"


# --- no_grad / enable_grad ------------------------------------------------------------------


def test_no_grad_records_no_graph():
    x = Value(3.0, label="x")
    with no_grad():
        assert not is_grad_enabled()
        y = x * x + 2 ** x - x.exp().log() / 4 + x.relu() + (-x).abs().sqrt()
        z = x ** Value(2.0)
    assert is_grad_enabled()
    for v in (y, z):
        assert v.parents == () and v._prev == () and v.is_leaf and v.op == "" and v._op == ""
    assert y.data == 9.0 + 8.0 - 0.75 + 3.0 + math.sqrt(3.0)
    assert z.data == 9.0
    y.backward()
    assert x.grad == 0.0  # nothing to flow back through
    assert (x * 2).parents[0] is x  # recording is back on


def test_no_grad_restores_after_an_exception():
    with pytest.raises(ValueError, match="log"), no_grad():
        Value(-1.0).log()
    assert is_grad_enabled()


def test_no_grad_nests_and_restores_the_outer_setting():
    x = Value(2.0)
    with no_grad():
        with no_grad():
            assert not is_grad_enabled()
        assert not is_grad_enabled()
        with enable_grad():
            assert is_grad_enabled()
            y = x * x
        assert not is_grad_enabled()
        z = x * x
    assert is_grad_enabled()
    assert y.parents == (x, x) and z.parents == ()
    with enable_grad():
        assert is_grad_enabled()
    assert is_grad_enabled()


def test_no_grad_is_a_decorator():
    @no_grad()
    def step(v):
        assert not is_grad_enabled()
        return v * 3

    x = Value(2.0)
    y = step(x)
    assert y.parents == () and y.data == 6.0 and is_grad_enabled()

    @enable_grad()
    def recorded(v):
        return v * 3

    with no_grad():
        assert recorded(x).parents[0] is x


def test_no_grad_inside_a_function_being_differentiated_cuts_that_path():
    def f(x):
        with no_grad():
            frozen = x * x  # treated as a constant, like torch.no_grad
        return frozen * x

    assert grad(f)(3.0) == 9.0  # not 27 = d(x^3)/dx


def test_detach_keeps_data_and_label_and_stops_gradients():
    x = Value(2.0, label="x")
    h = x * x
    h.label = "h"
    d = h.detach()
    assert d is not h and d.data == 4.0 and d.label == "h" and d.parents == () and d.grad == 0.0
    y = d * x + h
    y.backward()
    assert x.grad == 4.0 + 4.0  # d * 1 through the product, 2x through h; nothing through d
    assert d.grad == 2.0 and h.grad == 1.0
    assert Value(1.0).detach().label == ""


def test_a_detached_value_is_a_constant_in_the_derivative():
    x = Value(0.4)
    y = (x.sin().detach() * x.exp() + x.sin()).tanh()
    y.backward()
    s = math.sin(0.4)  # a constant once detached
    by_hand = (1 - math.tanh(s * math.exp(0.4) + s) ** 2) * (s * math.exp(0.4) + math.cos(0.4))
    assert x.grad == pytest.approx(by_hand, rel=1e-14)


# --- detect_anomaly -----------------------------------------------------------------------------


def test_anomaly_in_the_forward_pass_names_the_op_inputs_and_labels():
    a = Value(1e200, label="a")
    b = Value(1e200, label="b")
    with pytest.raises(AnomalyError, match=r"^mul produced inf from inputs a=1e\+200, b=1e\+200$"), detect_anomaly():
        a * b
    inf = Value(math.inf, label="big")
    with pytest.raises(AnomalyError, match=r"^sub produced nan from inputs big=inf, big=inf$"), detect_anomaly():
        inf - inf
    with pytest.raises(AnomalyError, match=r"^add produced inf from inputs 1e\+308, 1e\+308$"), detect_anomaly():
        Value(1e308) + Value(1e308)  # unlabelled inputs are shown by value


def test_anomaly_is_raised_at_the_first_bad_op():
    x = Value(800.0, label="x")
    big = Value(1e306, label="big")
    with pytest.raises(AnomalyError) as info, detect_anomaly():
        y = x * 2  # fine
        z = y * big  # inf: this one
        (z - z).exp()  # would be nan, never reached
    assert str(info.value) == "mul produced inf from inputs 1600.0, big=1e+306"
    assert isinstance(info.value, FloatingPointError) and isinstance(info.value, ArithmeticError)


def test_anomaly_in_the_backward_pass_names_the_op():
    x = Value(0.0, label="x")
    with detect_anomaly():
        y = x.sqrt()  # the value 0 is fine, the slope is infinite
        with pytest.raises(AnomalyError) as info:
            y.backward()
    message = str(info.value)
    assert message.startswith("backward through sqrt (0.0): the gradient for its input x=0.0 is inf")
    assert "(local derivative inf x upstream gradient 1.0)" in message


def test_anomaly_in_the_backward_pass_finds_a_nan_deep_inside():
    x = Value(0.0, label="x")
    with detect_anomaly():
        y = (x.abs().sqrt() * 3).tanh()  # sqrt'(0) = inf times abs'(0) = 0 is nan
        with pytest.raises(AnomalyError, match=r"^backward through (sqrt|abs) .* is (inf|nan)"):
            y.backward()


def test_anomaly_in_backward_with_create_graph_and_in_grad():
    with pytest.raises(AnomalyError, match=r"backward through pow"), detect_anomaly():
        grad(lambda x: x ** 0.5)(0.0)


def test_no_anomaly_check_outside_the_block():
    assert not is_anomaly_enabled()
    x = Value(0.0)
    x.sqrt().backward()
    assert x.grad == math.inf  # as in PyTorch
    assert (Value(1e200) * Value(1e200)).data == math.inf


def test_detect_anomaly_restores_after_an_error_and_nests():
    with pytest.raises(AnomalyError), detect_anomaly():
        with detect_anomaly():
            assert is_anomaly_enabled()
        assert is_anomaly_enabled()
        Value(math.inf) * 0
    assert not is_anomaly_enabled()


def test_detect_anomaly_lets_finite_computations_through_unchanged():
    x = Value(0.3)
    with detect_anomaly():
        y = (x * x).sin() / x.exp() + x ** Value(2.5)
        y.backward()
    z = Value(0.3)
    w = (z * z).sin() / z.exp() + z ** Value(2.5)
    w.backward()
    assert y.data == w.data and x.grad == z.grad


def test_grad_and_gradcheck_work_inside_no_grad():
    from autograd import grad, gradcheck, is_grad_enabled, no_grad

    with no_grad():
        assert grad(lambda x: x ** 3)(2.0) == 12.0
        assert grad(grad(lambda x: x ** 3))(2.0) == 12.0
        assert gradcheck(lambda a: a * a, 1.5)
        assert not is_grad_enabled()  # the outer switch is back as it was


def test_no_grad_is_a_decorator_with_or_without_brackets():
    from autograd import Value, enable_grad, no_grad

    @no_grad
    def bare(v):
        return v * v

    @no_grad()
    def called(v):
        return v * v

    @enable_grad
    def recording(v):
        return v * v

    x = Value(2.0)
    assert bare(x).parents == () and called(x).parents == ()
    assert bare.__name__ == "bare"
    with no_grad():
        assert len(recording(x).parents) == 2
    assert len((x * x).parents) == 2


def test_grad_passes_keyword_arguments_through():
    from autograd import grad

    assert grad(lambda x, k=1.0: x * k)(2.0, k=3.0) == 3.0
