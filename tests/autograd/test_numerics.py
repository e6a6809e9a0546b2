"""NaN, inf and singular points: each case the issue names, against PyTorch float64."""

import math

import pytest

from autograd import Value, compile, grad

torch = pytest.importorskip("torch")
NAN, INF = math.nan, math.inf


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


def torch_grad(f, x0, order=1):
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    y = f(x)
    for _ in range(order):
        if not y.requires_grad:  # torch's derivative is a constant (x ** 0's zeros): its derivative is 0
            return 0.0
        (y,) = torch.autograd.grad(y, x, create_graph=True)
    return y.item()


def plain_grad(f, x0):
    x = Value(x0)
    y = f(x)
    y.backward()
    return x.grad


def tape_grad(f, x0):
    x = Value(x0)
    tape = compile(f(x))
    tape.forward()
    tape.backward()
    return x.grad


def batched_grad(f, x0):
    pytest.importorskip("numpy")
    from autograd import compile_batched

    x, w = Value(0.0), Value(x0)  # w is the shared leaf whose gradient the batch sums
    tape = compile_batched(f(w) + x * 0, [x])
    tape.forward([[0.0]])
    tape.backward()
    return w.grad


ENGINES = [plain_grad, tape_grad, batched_grad]


# --- 2. NaN in, NaN out --------------------------------------------------------------------


@pytest.mark.parametrize("method", ["relu", "abs", "exp", "log", "sqrt", "tanh", "sigmoid", "softplus", "sin",
                                    "cos", "leaky_relu", "neg"])
def test_nan_in_nan_out(method):
    out = getattr(Value(NAN), "__neg__" if method == "neg" else method)()
    assert math.isnan(out.data)
    reference = {"softplus": torch.nn.functional.softplus, "leaky_relu": torch.nn.functional.leaky_relu,
                 "neg": torch.neg}.get(method) or getattr(torch, method)
    assert math.isnan(reference(torch.tensor(NAN, dtype=torch.float64)).item())


def test_relu_of_nan_is_nan_with_torch_derivative_1():
    assert math.isnan(Value(NAN).relu().data)
    for engine in ENGINES:
        assert engine(lambda x: x.relu(), NAN) == torch_grad(torch.relu, NAN) == 1.0


def test_hinge_margin_nan_is_refused():
    from nn import losses

    with pytest.raises(ValueError, match=r"hinge\(\) margin must be finite, got nan"):
        losses.hinge([Value(0.5)], [1], margin=NAN)


# --- 3. a zero local derivative stops an infinite upstream -------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_relu_then_sqrt_at_minus_one_gives_torch_zero(engine):
    assert engine(lambda x: x.relu().sqrt(), -1.0) == torch_grad(lambda x: x.relu().sqrt(), -1.0) == 0.0


@pytest.mark.parametrize("engine", ENGINES)
def test_abs_then_sqrt_at_zero_multiplies_as_torch_does(engine):
    assert math.isnan(engine(lambda x: x.abs().sqrt(), 0.0))
    assert math.isnan(torch_grad(lambda x: x.abs().sqrt(), 0.0))


# --- 4. higher derivatives: a nan derivative stays nan ---------------------------------------------


def test_nan_first_derivative_is_not_frozen_for_the_second():
    f = lambda x: (-2.0) ** x  # noqa: E731
    tf = lambda x: torch.tensor(-2.0, dtype=torch.float64) ** x  # noqa: E731
    assert math.isnan(grad(f)(3.0)) and math.isnan(torch_grad(tf, 3.0))
    assert math.isnan(grad(grad(f))(3.0)) and math.isnan(torch_grad(tf, 3.0, order=2))


T0 = lambda: torch.tensor(0.0, dtype=torch.float64)  # noqa: E731


# At a base of 0 pow's first derivatives are conventional 0s (PyTorch's where()); their own
# derivatives have no value there (0 * inf), and PyTorch gives nan: so do we, never a silent 0.
@pytest.mark.parametrize("f, tf, x0", [
    (lambda x: 0.0 ** x, lambda x: T0() ** x, 0.0),
    (lambda x: 0.0 ** x, lambda x: T0() ** x, 1.0),
    (lambda x: 0.0 ** x, lambda x: T0() ** x, 2.0),
    (lambda x: x ** (x + 0.0), lambda x: x ** (x + 0.0), 0.0),
    (lambda x: x ** (x + 1.0), lambda x: x ** (x + 1.0), 0.0),   # was 1.0; the true f'' diverges
    (lambda x: x ** (x + 2.0), lambda x: x ** (x + 2.0), 0.0),   # was 2.0
    (lambda x: (x - 1.0) ** (3.0 * x), lambda x: (x - 1.0) ** (3.0 * x), 1.0),
    (lambda x: (x * 0.0) ** (x + 1.0), lambda x: (x * 0.0) ** (x + 1.0), 1.0),
])
def test_higher_derivatives_at_a_base_of_zero_are_torch_s_nan(f, tf, x0):
    assert grad(f)(x0) == torch_grad(tf, x0)  # the conventional first derivative stays
    for order in (2, 3):
        ours = grad(grad(f))(x0) if order == 2 else grad(grad(grad(f)))(x0)
        assert math.isnan(ours) and math.isnan(torch_grad(tf, x0, order=order)), order


@pytest.mark.parametrize("f, tf, x0", [
    (lambda x: x ** 0.0, lambda x: x ** 0.0, 0.0),  # a number exponent of 0: a mask, 0 at every order
    (lambda x: x ** 2.0, lambda x: x ** 2.0, 0.0),
    (lambda x: x ** 1.5, lambda x: x ** 1.5, 0.0),
    (lambda x: (x + 1.0) ** (x * 0.0), lambda x: (x + 1.0) ** (x * 0.0), 0.0),  # base 1: finite
])
def test_higher_derivatives_near_the_base_zero_cases_stay_torch_s_numbers(f, tf, x0):
    assert same(grad(grad(f))(x0), torch_grad(tf, x0, order=2))
    assert same(grad(grad(grad(f)))(x0), torch_grad(tf, x0, order=3))


def test_hessian_at_a_base_of_zero_matches_torch():
    from autograd import hessian

    for point in [(0.0, 0.0), (0.0, 1.0), (0.0, 2.0), (0.0, 3.0), (2.0, 3.0)]:
        ours = hessian(lambda x, y: x ** y)(*point)
        theirs = torch.autograd.functional.hessian(
            lambda x, y: x ** y, tuple(torch.tensor(v, dtype=torch.float64) for v in point))
        assert all(same(ours[i][j], float(theirs[i][j])) for i in range(2) for j in range(2)), (point, ours)


# softmax and logsumexp with nan or inf among the inputs: values and gradients as torch's, on every
# engine (a nan anywhere makes every output nan; +inf makes softmax's outputs nan).
SPECIAL = [0.0, 1.0, INF, -INF, NAN]


def close(a, b):
    return same(a, b) or abs(a - b) <= 1e-12 * max(1.0, abs(b))


@pytest.mark.parametrize("kind", ["softmax", "logsumexp"])
def test_softmax_and_logsumexp_with_nan_and_inf_match_torch_on_every_engine(kind):
    import itertools

    import autograd

    def ours(vs):
        if kind == "logsumexp":
            return autograd.logsumexp(vs)
        s = autograd.softmax(vs)
        return s[0] * 2.0 + s[2] * 3.0

    def theirs(ts):
        if kind == "logsumexp":
            return torch.logsumexp(torch.stack(ts), 0)
        s = torch.softmax(torch.stack(ts), 0)
        return s[0] * 2.0 + s[2] * 3.0

    for xs in itertools.product(SPECIAL, repeat=3):
        ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in xs]
        out = theirs(ts)
        out.backward()
        expected = [out.item()] + [t.grad.item() for t in ts]
        vs = [Value(v) for v in xs]
        root = ours(vs)
        root.backward()
        assert all(map(close, [root.data] + [v.grad for v in vs], expected)), ("plain", xs)
        vs = [Value(v) for v in xs]
        tape = compile(ours(vs))
        value = tape.forward()
        tape.backward()
        assert all(map(close, [value] + [v.grad for v in vs], expected)), ("tape", xs)


# --- 5. no OverflowError from backward ---------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("f, tf, x0", [
    (lambda x: x ** -0.5, lambda x: x ** -0.5, 1e-300),
    (lambda x: x ** 0, lambda x: x ** 0, 5e-324),
    (lambda x: x ** Value(-3.0), lambda x: x ** torch.tensor(-3.0, dtype=torch.float64), 1e-80),
    (lambda x: x ** -3.0, lambda x: x ** -3.0, -1e-80),
])
def test_backward_through_pow_overflow_gives_torch_inf_or_zero(engine, f, tf, x0):
    assert same(engine(f, x0), torch_grad(tf, x0))


def test_the_issue_s_pow_cases():
    x = Value(1e-300)
    (x ** -0.5).backward()
    assert x.grad == -INF == torch_grad(lambda t: t ** -0.5, 1e-300)
    x = Value(5e-324)
    (x ** 0).backward()
    assert x.grad == 0.0 == torch_grad(lambda t: t ** 0, 5e-324)


# --- 6. create_graph does not fail on a derivative nobody asked for ------------------------------


def test_create_graph_through_zero_to_the_x():
    x = Value(0.5)
    (0.0 ** x).backward(create_graph=True)
    tx = torch.tensor(0.0, dtype=torch.float64)
    assert float(x.grad) == 0.0 == torch_grad(lambda t: tx ** t, 0.5)


def test_create_graph_through_sqrt_at_zero_gives_inf():
    x = Value(0.0)
    x.sqrt().backward(create_graph=True)
    assert float(x.grad) == INF == torch_grad(torch.sqrt, 0.0)


# --- 9. batched gives plain's results ------------------------------------------------------------------


@pytest.mark.parametrize("f, tf, x0", [
    (lambda w: w ** Value(0.0), lambda w: w ** torch.tensor(0.0, dtype=torch.float64), 0.0),
    (lambda x: x ** 0, lambda x: x ** 0, 0.0),
    (lambda x: x.abs(), torch.abs, NAN),
    (lambda x: x.sqrt(), torch.sqrt, NAN),
    (lambda x: x.sqrt(), torch.sqrt, -0.0),
])
def test_batched_tape_and_plain_agree_with_torch(f, tf, x0):
    expected = torch_grad(tf, x0)
    for engine in ENGINES:
        assert same(engine(f, x0), expected), engine.__name__


def test_batched_refuses_what_plain_refuses():
    pytest.importorskip("numpy")
    from autograd import compile_batched

    with pytest.raises(ValueError, match="negative base") as plain:
        Value(-2.0) ** INF
    b, e = Value(1.0), Value(1.0)
    tape = compile_batched(b ** e, [b, e])
    with pytest.raises(ValueError) as batched:
        tape.forward([[-2.0, INF]])
    assert str(batched.value) == str(plain.value)
    assert math.isnan(compile_batched(b.sqrt() + e, [b, e]).forward([[NAN, 0.0]])[0])  # sqrt(nan): nan, no error


# --- 7. binary cross-entropy on probabilities at the clamp ------------------------------------------


@pytest.mark.parametrize("p, t", [(1.0, 0.25), (math.exp(-100), 1.0), (1e-50, 1.0), (1e-10, 0.0), (0.0, 0.5),
                                  (1e-13, 0.0), (0.3, 0.7), (1.0, 1.0), (0.0, 0.0)])
def test_bce_matches_torch_at_and_near_the_clamp(p, t):
    from nn import losses

    o = Value(p)
    loss = losses.binary_cross_entropy(o, t)
    loss.backward()
    to = torch.tensor(p, dtype=torch.float64, requires_grad=True)
    tl = torch.nn.functional.binary_cross_entropy(to, torch.tensor(t, dtype=torch.float64))
    tl.backward()
    assert loss.data == pytest.approx(tl.item(), rel=1e-15, abs=0)
    assert o.grad == pytest.approx(to.grad.item(), rel=1e-13)


def test_bce_issue_cases():
    from nn import losses

    o = Value(1.0)
    losses.binary_cross_entropy(o, 0.25).backward()
    assert o.grad == pytest.approx(7.5e11, rel=1e-8) and o.grad > 0
    assert losses.binary_cross_entropy(Value(1e-10), 0.0).data == 1.00000000005e-10


# --- 8. fit with bce on the tape engine ---------------------------------------------------------------


def test_fit_bce_on_the_tape_engine_is_a_clear_error_not_a_crash():
    from nn import MLP, constant, fit

    model = MLP(1, [1], activation="sigmoid", output_activation="sigmoid", init=constant(50.0))  # saturated
    with pytest.raises(ValueError, match=r"fit\(engine='tape'\) replays one recorded graph, and loss='bce'"):
        fit(model, [[1.0], [2.0]], [0.0, 1.0], loss="bce", engine="tape", epochs=2, progress=False)
    history = fit(model, [[1.0], [2.0]], [0.0, 1.0], loss="bce", engine="plain", epochs=2, progress=False)
    assert history.loss[0] == pytest.approx(50.0)  # one sample clamped at 100 of 2
