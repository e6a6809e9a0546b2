"""Domain errors and type errors raise at once, with the op's name and the offending value."""

import math

import pytest

from autograd import Value, grad


@pytest.mark.parametrize(
    "compute, error, message",
    [
        (lambda: Value(-1.0).log(), ValueError, "log() needs a positive input, got -1.0"),
        (lambda: Value(0.0).log(), ValueError, "log() needs a positive input, got 0.0"),
        (lambda: Value(-math.inf).log(), ValueError, "log() needs a positive input, got -inf"),
        (lambda: Value(-2.0).sqrt(), ValueError, "sqrt() needs a non-negative input, got -2.0"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, "div(): division by zero, 1.0 / 0.0"),
        (lambda: Value(3.0) / Value(0.0), ZeroDivisionError, "div(): division by zero, 3.0 / 0.0"),
        (lambda: 1 / Value(-0.0), ZeroDivisionError, "div(): division by zero, 1.0 / -0.0"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, "pow(): 0.0 cannot be raised to the negative power -1.0"),
        (lambda: Value(0.0) ** Value(-0.5), ZeroDivisionError, "0.0 cannot be raised to the negative power -0.5"),
        (lambda: 0 ** Value(-2.0), ZeroDivisionError, "pow(): 0.0 cannot be raised to the negative power -2.0"),
        (lambda: Value(-8.0) ** 0.5, ValueError, "pow(): a negative base (-8.0) needs an integer exponent, got 0.5"),
        (lambda: Value(-2.0) ** Value(1.5), ValueError, "a negative base (-2.0) needs an integer exponent, got 1.5"),
        (lambda: (-2.0) ** Value(0.5), ValueError, "a negative base (-2.0) needs an integer"),
        (lambda: Value(-1.0) ** Value(math.inf), ValueError, "a negative base (-1.0) needs an integer exponent, "
                                                             "got inf"),
        (lambda: Value(1000.0).exp(), OverflowError, "exp(): exp(1000.0) is too large for a float"),
        (lambda: Value(10.0) ** 400, OverflowError, "pow(): 10.0 ** 400.0 is too large for a float"),
        (lambda: Value(2.0) ** Value(5000.0), OverflowError, "pow(): 2.0 ** 5000.0 is too large for a float"),
        (lambda: 2 ** Value(5000.0), OverflowError, "pow(): 2.0 ** 5000.0 is too large for a float"),
        (lambda: Value(math.inf).sin(), ValueError, "sin() needs a finite input, got inf"),
        (lambda: Value(-math.inf).cos(), ValueError, "cos() needs a finite input, got -inf"),
    ],
    ids=["log-neg", "log-0", "log-ninf", "sqrt-neg", "div-0", "div-Value-0", "rdiv-minus-0", "0**-1", "0**Value",
         "0-rpow", "neg**0.5", "neg**Value", "neg-rpow", "neg**inf", "exp", "pow", "pow-Value", "rpow", "sin-inf",
         "cos-inf"],
)
def test_domain_errors_name_the_op_and_the_value(compute, error, message):
    with pytest.raises(error) as info:
        compute()
    assert message in str(info.value)


def test_domain_errors_are_raised_in_the_forward_pass_before_any_node_is_made():
    x = Value(-1.0, label="x")
    with pytest.raises(ValueError, match=r"^log\(\) needs a positive input, got -1\.0$"):
        x.log()
    assert x.grad == 0.0 and x.parents == ()


def test_domain_errors_inside_grad_propagate_unchanged():
    with pytest.raises(ValueError, match=r"log\(\) needs a positive input, got -0\.5"):
        grad(lambda x: (x - 1).log())(0.5)


def test_edge_values_that_are_in_the_domain():
    assert Value(0.0).sqrt().data == 0.0
    assert (Value(0.0) ** 0).data == 1.0  # as in Python and PyTorch
    assert (Value(0.0) ** Value(0.0)).data == 1.0
    assert (Value(-2.0) ** 3).data == -8.0  # a negative base with an integer exponent is fine
    assert (Value(-2.0) ** Value(-2.0)).data == 0.25
    assert Value(709.0).exp().data == math.exp(709.0)
    assert Value(math.inf).exp().data == math.inf  # inf is a float; detect_anomaly is how to catch it
    assert Value(-745.5).exp().data == 0.0  # underflow is not an error


@pytest.mark.parametrize(
    "bad, name",
    [("a", "str"), (None, "NoneType"), (1j, "complex"), ([1], "list"), (True, "bool"), (b"1", "bytes"),
     ({1.0}, "set")],
)
def test_value_rejects_anything_but_int_or_float(bad, name):
    with pytest.raises(TypeError, match=rf"^Value\(\) data must be an int or float, got {name}: "):
        Value(bad)


def test_value_accepts_ints_and_real_number_types():
    import fractions

    assert Value(3).data == 3.0 and type(Value(3).data) is float
    assert Value(fractions.Fraction(1, 4)).data == 0.25


@pytest.mark.parametrize(
    "compute, pattern",
    [
        (lambda: Value(1.0) + "a", r"unsupported operand type\(s\) for \+: 'Value' and 'str'"),
        (lambda: "a" + Value(1.0), r'can only concatenate str \(not "Value"\) to str'),
        (lambda: Value(1.0) - [1], r"unsupported operand type\(s\) for -: 'Value' and 'list'"),
        (lambda: Value(1.0) * None, r"unsupported operand type\(s\) for \*: 'Value' and 'NoneType'"),
        (lambda: None * Value(1.0), r"unsupported operand type\(s\) for \*: 'NoneType' and 'Value'"),
        (lambda: Value(1.0) / "2", r"unsupported operand type\(s\) for /: 'Value' and 'str'"),
        (lambda: Value(1.0) ** "2", r"unsupported operand type\(s\) for \*\* or pow\(\): 'Value' and 'str'"),
        (lambda: "2" ** Value(1.0), r"unsupported operand type\(s\) for \*\* or pow\(\): 'str' and 'Value'"),
        (lambda: Value(1.0) + 1j, r"unsupported operand type\(s\) for \+: 'Value' and 'complex'"),
        (lambda: Value(1.0) + True, r"unsupported operand type\(s\) for \+: 'Value' and 'bool'"),
        (lambda: Value(1.0) < "a", r"'<' not supported between instances of 'Value' and 'str'"),
        (lambda: Value(1.0) >= None, r"'>=' not supported between instances of 'Value' and 'NoneType'"),
        (lambda: Value(1.0).leaky_relu("a"), r"leaky_relu\(\) slope needs an int or float, got str"),
        (lambda: Value(1.0, label=3), r"Value\(\) label must be a str, got int: 3"),
        (lambda: Value(1.0).backward(gradient="x"), r"backward\(\) gradient must be an int or float, got str"),
        (lambda: Value(1.0).backward(gradient=None), r"backward\(\) gradient must be an int or float, got NoneType"),
    ],
    ids=["add-str", "radd-str", "sub-list", "mul-None", "rmul-None", "div-str", "pow-str", "rpow-str", "add-complex",
         "add-bool", "lt-str", "ge-None", "leaky-slope", "label", "backward-str", "backward-None"],
)
def test_type_errors(compute, pattern):
    with pytest.raises(TypeError, match=pattern):
        compute()
