"""autograd.compile_batched: one sample's graph over a batch equals the scalar engine per row."""

import math
import random
import subprocess
import sys

import pytest

np = pytest.importorskip("numpy")

from autograd import Value, compile_batched  # noqa: E402


def sample_graph(x0, x1, y, params):
    """Every op the engine has, on one sample."""
    w, b, s = params
    h = (w[0] * x0 + w[1] * x1 + b).tanh()
    g = (w[2] * x0 - x1 / (w[3].abs() + 1)).relu() + (w[0] * x1).leaky_relu(0.2)
    k = (x0 * w[1]).sigmoid() * (x1 - w[2]).softplus() + (h * s).sin() - (g * s).cos()
    m = (k * k + 1).sqrt().log() + (w[3] * 0.1).exp() + (-h) ** 2 + (x0 * x0 + 1) ** s
    return (m - y) ** 2 + 2 ** (x1 * 0.1)


def make(rng):
    w = [Value(rng.uniform(-1, 1), label=f"w{i}") for i in range(4)]
    return w, Value(0.2, label="b"), Value(0.7, label="s")


def scalar_per_row(rows, rng_seed):
    values, grads = [], None
    for r in rows:
        params = make(random.Random(rng_seed))
        x0, x1, y = (Value(v) for v in r)
        out = sample_graph(x0, x1, y, params)
        out.backward()
        values.append(out.data)
        leaves = params[0] + [params[1], params[2]]
        grads = [v.grad for v in leaves] if grads is None else [a + v.grad for a, v in zip(grads, leaves)]
    return values, grads


def test_values_and_summed_gradients_match_the_scalar_engine():
    rng = random.Random(0)
    rows = [[rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(-1, 1)] for _ in range(40)]
    params = make(random.Random(7))
    x0, x1, y = Value(0.0), Value(0.0), Value(0.0)
    tape = compile_batched(sample_graph(x0, x1, y, params), [x0, x1, y])
    values = tape.forward(rows)
    tape.backward()
    expected_values, expected_grads = scalar_per_row(rows, 7)
    for got, want in zip(values.tolist(), expected_values):
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-13)
    leaves = params[0] + [params[1], params[2]]
    assert set(tape.shared) == set(leaves) and len(tape.shared) == len(leaves)
    for leaf, want in zip(leaves, expected_grads):
        assert math.isclose(leaf.grad, want, rel_tol=1e-11, abs_tol=1e-12)


def test_weights_give_a_mean_and_grads_accumulate():
    w = Value(3.0)
    x = Value(0.0)
    tape = compile_batched(w * x * x, [x])
    tape.forward([[1.0], [2.0], [3.0]])
    tape.backward(weights=1 / 3)
    assert math.isclose(w.grad, (1 + 4 + 9) / 3)
    tape.backward(weights=np.array([1.0, 0.0, 0.0]))
    assert math.isclose(w.grad, (1 + 4 + 9) / 3 + 1.0)


def test_an_input_used_many_times_in_one_group_sums_its_contributions():
    x = Value(0.0)
    ws = [Value(float(i + 1)) for i in range(16)]
    out = sum((w * x for w in ws), Value(0.0)) * x  # 16 muls by x at one depth
    tape = compile_batched(out, [x])
    assert tape.forward([[2.0]]).tolist() == [sum(range(1, 17)) * 4.0]
    tape.backward()
    assert [w.grad for w in ws] == [4.0] * 16  # d/dw_i (w_i x^2) = x^2


def test_kinks_follow_pytorch():
    x, w = Value(0.0), Value(1.0)
    tape = compile_batched((w * x).relu() + (w * x).abs() + (w * x).leaky_relu(0.1), [x])
    tape.forward([[0.0]])
    tape.backward()
    assert w.grad == 0.0  # relu'(0) = abs'(0) = 0, and leaky_relu'(0) = slope, times x = 0


def test_domain_errors_name_the_op_and_value():
    x = Value(1.0)
    tape = compile_batched(x.log(), [x])
    with pytest.raises(ValueError, match=r"log\(\) needs a positive input, got -2.0"):
        tape.forward([[1.0], [-2.0]])
    y = Value(1.0)
    with pytest.raises(ZeroDivisionError, match=r"div\(\): division by zero"):
        compile_batched(1 / y, [y]).forward([[0.0]])


def test_bad_arguments():
    x, w = Value(1.0), Value(2.0)
    out = x * w
    with pytest.raises(ValueError, match=r"inputs\[0\] is not a leaf"):
        compile_batched(out, [out])
    tape = compile_batched(out, [x])
    with pytest.raises(ValueError, match=r"rows of 1 input values, got an array of shape \(3,\)"):
        tape.forward([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match="forward"):
        compile_batched(out, [x]).backward()
    with pytest.raises(TypeError, match=r"compile_batched\(\) root must be a Value"):
        compile_batched(3.0, [])


def test_without_numpy_says_which_extra_to_install():
    code = "import sys; sys.modules['numpy'] = None\nfrom autograd import Value, compile_batched\n" \
           "x = Value(1.0)\ntry:\n    compile_batched(x * 2, [x])\nexcept ImportError as e:\n    print(e)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "pip install 'chainrule[fast]'" in out


def test_sin_and_cos_of_infinity_raise_like_the_scalar_engine():
    x = Value(1.0)
    for name in ("sin", "cos"):
        with pytest.raises(ValueError, match=name + r"\(\) needs a finite input, got inf"):
            getattr(Value(math.inf), name)()
        with pytest.raises(ValueError, match=name + r"\(\) needs a finite input, got inf"):
            compile_batched(getattr(x, name)(), [x]).forward([[0.0], [math.inf]])
