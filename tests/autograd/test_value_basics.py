"""What a Value is: comparisons, identity equality and hashing, conversions, repr and the
graph-inspection properties."""

import math

from autograd import Value


def test_comparisons_compare_data_with_values_and_numbers():
    a, b = Value(1.0), Value(2.0)
    assert a < b and a <= b and b > a and b >= a
    assert not (a > b) and not (a >= b) and not (b < a) and not (b <= a)
    assert a <= Value(1.0) and a >= Value(1.0)
    assert a < 2 and a <= 1 and a > 0.5 and a >= 1.0
    assert 2 > a and 1 >= a and 0.5 < a and 1.0 <= a  # noqa: SIM300 - numbers on the left (reflected)
    assert not (a < 1) and not (a > 1)
    assert max([Value(3.0), Value(-1.0), Value(7.5)]).data == 7.5
    assert [v.data for v in sorted([Value(3.0), Value(-1.0), Value(0.0)])] == [-1.0, 0.0, 3.0]


def test_comparisons_record_nothing_and_return_bools():
    x = Value(1.0)
    assert type(x < 2) is bool
    assert x.parents == () and x.grad == 0.0


def test_equality_is_identity():
    a, b = Value(1.0), Value(1.0)
    assert a == a and a != b and (a == b) is False
    assert a != 1.0 and (a == 1.0) is False  # no comparison by data
    assert (a + 0) != a


def test_values_work_in_sets_and_as_dict_keys():
    a, b = Value(1.0), Value(1.0)
    assert len({a, b, a}) == 2
    grads = {a: "a", b: "b"}
    assert grads[a] == "a" and grads[b] == "b"
    assert hash(a) == hash(a) and a in {a} and Value(1.0) not in {a, b}
    a.data = 5.0  # mutating the data does not move it in a set
    assert a in {a, b}


def test_float_int_and_format():
    v = Value(2.75, label="v")
    assert float(v) == 2.75 and type(float(v)) is float
    assert math.floor(float(v)) == 2
    assert f"{v:.1f}" == "2.8" and format(v, "e") == "2.750000e+00"
    assert f"{v}" == repr(v)


def test_repr_shows_data_grad_and_label():
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"
    v = Value(-1.5, label="w")
    assert repr(v) == "Value(data=-1.5, grad=0.0, label='w')"
    y = v * v
    y.backward()
    assert repr(v) == "Value(data=-1.5, grad=-3.0, label='w')"


def test_data_is_always_a_float():
    assert type(Value(3).data) is float
    assert type((Value(3) + 2).data) is float
    assert type((2 ** Value(3)).data) is float


def test_graph_properties():
    x = Value(3.0, label="x")
    y = x * 2
    const = y.parents[1]
    assert y.parents == (x, const) and y._prev == y.parents
    assert y.op == "mul" and y._op == "*" and x.op == "" and const.op == ""
    assert x.is_leaf and const.is_leaf and not y.is_leaf
    assert const.is_constant and not x.is_constant and not y.is_constant
    assert const.data == 2.0 and const.label == ""
    assert (2 - x).parents[0].is_constant and (2 - x).parents[1] is x  # argument order is kept
    assert (x ** 2).parents == (x,) and (x ** 2).op == "pow"
    assert (x ** Value(2.0)).op == "pow" and len((x ** Value(2.0)).parents) == 2
    assert x.leaky_relu(0.3).op == "leaky_relu"
    assert (-x).op == "neg" and +x is x


def test_labels_are_free_to_change():
    x = Value(1.0)
    x.label = "renamed"
    assert x.label == "renamed" and "renamed" in repr(x)
