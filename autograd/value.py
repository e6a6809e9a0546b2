"""``Value``: a scalar that remembers how it was made, so it can be differentiated."""

from __future__ import annotations

import numbers
import operator
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from . import engine, ops
from .engine import MANY, check_forward
from .errors import Node, check_flag, check_real, check_seed
from .mode import _DEFAULT, current
from .views import find_view

__all__ = ["Value", "as_float"]

Number = Union[int, float]
Operand = Union["Value", Number]


def _type_error(what: str, x: Any) -> TypeError:
    return TypeError(f"{what} needs an int or float, got {type(x).__name__}: {x!r}")


def _is_real(x: Any) -> bool:
    t = type(x)
    if t is float or t is int:
        return True
    return isinstance(x, numbers.Real) and t is not bool


class Value(Node):
    """A scalar in a computation graph, with the gradient backward() gives it.

    ``data`` is the number, ``grad`` is d(output)/d(this) after
    ``output.backward()`` (0.0 before), ``label`` is a name for pictures and
    explanations. Arithmetic with Values or plain numbers, on either side,
    records the graph.

    >>> x = Value(2.0, label="x"); w = Value(-3.0, label="w")
    >>> y = (x * w).tanh()
    >>> y.backward()
    >>> round(x.grad, 6), round(w.grad, 6)
    (-7.4e-05, 4.9e-05)

    ``==`` and ``hash`` are identity, so Values can live in sets and dict keys;
    ``< <= > >=`` compare ``data``.
    """

    # A node of a unary or binary op keeps its inputs in ``_a`` and ``_b``,
    # None where absent; a node of an n-ary op (``autograd.sum``, ``softmax``,
    # ``logsumexp``) keeps the tuple of its inputs in ``_a`` and ``MANY`` in ``_b``. Two slots instead of a tuple keep a
    # node small and halve the objects the garbage collector has to track. A
    # plain number in an expression (the 2 in ``x * 2``) stays a float in its
    # slot until someone asks for ``parents``, which turns it into a constant
    # Value once, for good: most graphs are never looked at, and a float is
    # one object fewer for the collector. In the same way a neuron's weighted sum
    # (``autograd.nary.weighted_sum``) keeps its terms (bias, w0, x0, w1, x1, ...) in
    # ``_a`` and its products' floats, a tuple, in ``_b``; ``parents`` makes the mul nodes
    # (see ``_make_products``), and ``backward()`` applies their rules without them.
    __slots__ = ("data", "grad", "label", "_a", "_b", "_fn", "__weakref__")

    data: float
    grad: Any
    label: str
    _a: Any  # a Value, a float (a constant not yet looked at) or None
    _b: Any
    _fn: Optional[ops.Op]

    def __init__(self, data: Number, label: str = "") -> None:
        if type(data) is not float:
            data = check_real("Value", "data", data)
        if not isinstance(label, str):
            raise TypeError(f"Value() label must be a str, got {type(label).__name__}: {label!r}")
        self.data = data
        self.grad = 0.0
        self.label = label
        self._a = self._b = None
        self._fn = None

    def _zero_without_derivative(self, u: Value) -> Value:
        # ops.WHERE: pow's conventional 0 at a base of 0 (self) inside a derivative graph.
        return _binary(ops.WHERE, u, self)

    # --- what this node is ---------------------------------------------------------

    @property
    def op(self) -> str:
        """The name of the op that made this value (``""`` for a leaf).

        >>> (Value(1.0) + 2).op, Value(1.0).op
        ('add', '')
        """
        fn = self._fn
        return "" if fn is None or fn is ops.CONSTANT else fn.name

    @property
    def parents(self) -> Tuple[Value, ...]:
        """The Values this one was computed from, in argument order (a plain
        number in the expression is a constant Value).

        >>> x = Value(2.0)
        >>> y = x * 3
        >>> y.parents[0] is x, y.parents[1].is_constant, y.parents[1] is y.parents[1], x.parents
        (True, True, True, ())
        """
        a = self._a
        if a is None:
            return ()
        b = self._b
        if b is MANY:  # an n-ary op (autograd.sum, softmax, ...): its inputs, as one tuple
            return self._a  # read after _b: products just made (see _make_products) are in it
        if type(b) is tuple:  # a neuron's weighted sum whose products nobody has looked at yet
            return self._make_products()
        if type(a) is float:
            a = self._a = _constant(a)
        if b is None:
            return (a,)
        if type(b) is float:
            b = self._b = _constant(b)
        return (a, b)

    def _make_products(self) -> Tuple[Value, ...]:
        # A weighted sum made by autograd.nary.weighted_sum keeps (bias, w0, x0, w1, x1, ...)
        # in _a and its products' floats in _b: the mul nodes are made here, once, for good,
        # the first time anyone reads the graph (backward() does without them; see
        # engine._ProductSteps). A product's only use is this sum, whose derivative for it
        # is 1, so backward() would have left it this sum's .grad, as 0.0 + g (a .grad
        # set on the sum by hand is followed too: nothing else records what it would be).
        with engine.PRODUCTS:  # not while backward() walks them unmade, nor twice at once
            if self._b is MANY:  # another thread made them meanwhile
                return self._a
            terms, products = self._a, self._b
            grad = self.grad
            shared = type(grad) is float  # one float serves every product; a Value each its own node
            if shared:
                grad = 0.0 + grad
            inputs = [terms[0]]
            mul = ops.MUL
            for k, data in enumerate(products):
                product = _new(Value)
                product.data = data
                product.grad = grad if shared else 0.0 + grad  # 0.0 + g, as backward() would have added it
                product.label = ""
                product._a, product._b, product._fn = terms[2 * k + 1], terms[2 * k + 2], mul
                inputs.append(product)
            made = tuple(inputs)
            self._a = made  # _a before _b: a reader that sees MANY sees the products
            self._b = MANY
            return made

    # micrograd calls the inputs ``_prev``; its drawing code iterates over them.
    _prev = parents

    @property
    def is_leaf(self) -> bool:
        """True for a Value made by the user (or a constant), not by an op."""
        return self._a is None

    @property
    def is_constant(self) -> bool:
        """True for a leaf made from a plain number inside an expression.

        >>> y = Value(3.0) * 2
        >>> [p.is_constant for p in y.parents]
        [False, True]
        """
        return self._fn is ops.CONSTANT

    @property
    def _op(self) -> str:
        # micrograd spells the op as a string in ``_op``; its drawing code uses it.
        fn = self._fn
        return "" if fn is None or fn is ops.CONSTANT else fn.symbol

    def local_derivatives(self) -> Tuple[float, ...]:
        """d self / d parent for each parent, at the current data.

        >>> a, b = Value(3.0), Value(4.0)
        >>> (a * b).local_derivatives()
        (4.0, 3.0)
        """
        if self._fn is None or self._a is None:
            return ()
        return tuple(self._fn.local(self.data, *[p.data for p in self.parents]))

    # --- the chain rule -------------------------------------------------------------

    def backward(self, gradient: Operand = 1.0, create_graph: bool = False) -> None:
        """Add d(self)/d(node) x ``gradient`` to the ``.grad`` of every node
        this Value depends on (itself included).

        Gradients accumulate, as in PyTorch: calling ``backward()`` twice
        doubles them, so zero them between steps. With ``create_graph=True``
        the gradients are themselves Values (with graphs) that can be
        differentiated again; like PyTorch, that leaves reference cycles
        (a node's grad refers to the node), so prefer :func:`autograd.grad`
        for higher derivatives.

        >>> x = Value(3.0)
        >>> y = x * x
        >>> y.backward(); x.grad
        6.0
        >>> y.backward(); x.grad
        12.0
        """
        seed = check_seed("backward", "gradient", gradient)
        check_flag("backward", "create_graph", create_graph)
        if create_graph and not isinstance(seed, Value):
            seed = Value(seed)  # then every gradient is a Value, even a constant one (relu, x + 1)
        engine.backward(self, seed, create_graph)

    def zero_grad(self) -> None:
        """Set ``.grad`` back to 0.0 for this node and every node it depends on."""
        for node in engine.graph_order(self):
            node.grad = 0.0

    def detach(self) -> Value:
        """A new leaf with the same data and label and no history.

        >>> x = Value(2.0); y = (x * x).detach(); y.data, y.parents
        (4.0, ())
        """
        return Value(self.data, self.label)

    # --- unary ops (each defined once, in autograd.ops) ---------------------------

    def exp(self) -> Value:
        """e ** self; d/dx = exp(x)."""
        return _unary(ops.EXP, self)

    def log(self) -> Value:
        """Natural log (input > 0); d/dx = 1/x."""
        return _unary(ops.LOG, self)

    def sqrt(self) -> Value:
        """Square root (input >= 0); d/dx = 1/(2 sqrt(x))."""
        return _unary(ops.SQRT, self)

    def tanh(self) -> Value:
        """Hyperbolic tangent; d/dx = 1 - tanh(x)^2."""
        return _unary(ops.TANH, self)

    def sigmoid(self) -> Value:
        """1 / (1 + e^-x); d/dx = s(1 - s)."""
        return _unary(ops.SIGMOID, self)

    def relu(self) -> Value:
        """max(0, x); d/dx = 1 for x > 0 and 0 otherwise (0 at the kink, as PyTorch)."""
        return _unary(ops.RELU, self)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """x for x > 0, slope * x otherwise; d/dx at 0 is ``slope``, as PyTorch."""
        if not _is_real(slope):
            raise _type_error("leaky_relu() slope", slope)
        return _unary(ops.leaky_relu_op(float(slope)), self)

    def softplus(self) -> Value:
        """log(1 + e^x), computed stably; d/dx = sigmoid(x)."""
        return _unary(ops.SOFTPLUS, self)

    def sin(self) -> Value:
        """Sine; d/dx = cos(x)."""
        return _unary(ops.SIN, self)

    def cos(self) -> Value:
        """Cosine; d/dx = -sin(x)."""
        return _unary(ops.COS, self)

    def abs(self) -> Value:
        """|x|; d/dx = sign(x), 0 at the kink, as PyTorch."""
        return _unary(ops.ABS, self)

    __abs__ = abs

    def atan(self) -> Value:
        """Arctangent, in (-pi/2, pi/2); d/dx = 1/(1 + x^2).

        >>> x = Value(1.0); y = x.atan(); y.backward(); round(y.data, 6), x.grad
        (0.785398, 0.5)
        """
        return _unary(ops.ATAN, self)

    def erf(self) -> Value:
        """The error function; d/dx = 2/sqrt(pi) exp(-x^2).

        >>> x = Value(0.0); y = x.erf(); y.backward(); y.data, round(x.grad, 6)
        (0.0, 1.128379)
        """
        return _unary(ops.ERF, self)

    def gelu(self) -> Value:
        """The exact GELU, x Phi(x) with Phi the standard normal CDF (PyTorch's
        default, not its tanh approximation); d/dx = Phi(x) + x phi(x).

        >>> x = Value(1.0); y = x.gelu(); y.backward(); round(y.data, 6), round(x.grad, 6)
        (0.841345, 1.083315)
        """
        return _unary(ops.GELU, self)

    def silu(self) -> Value:
        """SiLU (swish), x sigmoid(x); d/dx = s (1 + x (1 - s)) with s = sigmoid(x).

        >>> x = Value(1.0); y = x.silu(); y.backward(); round(y.data, 6), round(x.grad, 6)
        (0.731059, 0.927671)
        """
        return _unary(ops.SILU, self)

    def __neg__(self) -> Value:
        return _unary(ops.NEG, self)

    def __pos__(self) -> Value:
        return self

    def __pow__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _binary(ops.POW, self, other)
        if not _is_real(other):
            return NotImplemented
        return _unary(ops.pow_const(float(other)), self)

    def __rpow__(self, other: Number) -> Value:
        if not _is_real(other):
            return NotImplemented
        base = float(other)
        return _node(ops.POW.forward(base, self.data), ops.POW, base, self)

    # --- conversions and display ----------------------------------------------------

    def __float__(self) -> float:
        return self.data

    def __format__(self, spec: str) -> str:
        return format(self.data, spec) if spec else repr(self)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data}, grad={self.grad}{label})"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Dict[str, str]:
        """Jupyter's display: the graph as SVG (from ``viz``, when it and
        Graphviz are installed and the graph is small), always the text too."""
        bundle = {"text/plain": repr(self)}
        draw = find_view("value_svg")
        picture = draw(self) if draw is not None else None
        if picture:
            bundle["image/svg+xml"] = picture
        return bundle

    # n-ary ops as methods, attached by autograd.nary (which builds them on this module):
    # x.sum(y, z), x.logsumexp(y, z) -> Value; x.softmax(y, z) -> [Value, Value, Value].
    sum: Callable[..., Value]
    logsumexp: Callable[..., Value]
    softmax: Callable[..., List[Value]]

    # Binary operators and comparisons are attached below the class.
    __add__: Callable[[Value, Operand], Value]
    __radd__: Callable[[Value, Operand], Value]
    __sub__: Callable[[Value, Operand], Value]
    __rsub__: Callable[[Value, Operand], Value]
    __mul__: Callable[[Value, Operand], Value]
    __rmul__: Callable[[Value, Operand], Value]
    __truediv__: Callable[[Value, Operand], Value]
    __rtruediv__: Callable[[Value, Operand], Value]


# --- building nodes --------------------------------------------------------------------
#
# These run once per op, so they build the node directly instead of calling
# Value(): the data is already a float, and each input is a Value or, for a
# number in the expression, a float (see ``Value.parents``).

_new = object.__new__


def _node(data: float, fn: ops.Op, a: Any, b: Any) -> Value:
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    mode = current()
    if mode is _DEFAULT:  # recording on, anomaly detection off: the common case, one test
        out._a = a
        out._b = b
        out._fn = fn
        return out
    if mode.grad_enabled:
        out._a = a
        out._b = b
        out._fn = fn
    else:
        out._a = out._b = out._fn = None
    if mode.anomaly:  # name the inputs even under no_grad, where the node keeps none
        check_forward(out, fn, a if b is MANY else ((a,) if b is None else (a, b)))
    return out


def _unary(fn: ops.Op, x: Value) -> Value:
    return _node(fn.forward(x.data), fn, x, None)


def _binary(fn: ops.Op, a: Value, b: Value) -> Value:
    return _node(fn.forward(a.data, b.data), fn, a, b)


def _many(fn: ops.Op, data: float, inputs: Tuple[Value, ...]) -> Value:
    """A node of an n-ary op, its inputs one tuple (shared by the outputs of one softmax)."""
    return _node(data, fn, inputs, MANY)


def _constant(x: Any) -> Value:
    c = _new(Value)
    c.data = float(x)
    c.grad = 0.0
    c.label = ""
    c._a = c._b = None
    c._fn = ops.CONSTANT
    return c


def _binary_methods(fn: ops.Op) -> Tuple[Callable[..., Any], Callable[..., Any]]:
    forward = fn.forward

    def method(self: Value, other: Operand) -> Any:
        if type(other) is float:  # a number stays a float until someone looks (see parents)
            return _node(forward(self.data, other), fn, self, other)
        if type(other) is Value or isinstance(other, Value):
            return _node(forward(self.data, other.data), fn, self, other)
        if not _is_real(other):
            return NotImplemented
        number = float(other)
        return _node(forward(self.data, number), fn, self, number)

    def reflected(self: Value, other: Operand) -> Any:
        if not _is_real(other):
            return NotImplemented
        number = float(other)
        return _node(forward(number, self.data), fn, number, self)

    return method, reflected


def _comparison(compare: Callable[[float, float], bool]) -> Callable[..., Any]:
    def method(self: Value, other: Operand) -> Any:
        if isinstance(other, Value):
            return compare(self.data, other.data)
        return compare(self.data, other) if _is_real(other) else NotImplemented

    return method


_ARITHMETIC: Dict[str, ops.Op] = {"add": ops.ADD, "sub": ops.SUB, "mul": ops.MUL, "truediv": ops.DIV}
for _name, _fn in _ARITHMETIC.items():
    _f, _r = _binary_methods(_fn)
    setattr(Value, f"__{_name}__", _f)
    setattr(Value, f"__r{_name}__", _r)

for _name in ("lt", "le", "gt", "ge"):
    setattr(Value, f"__{_name}__", _comparison(getattr(operator, _name)))


def as_float(x: Any) -> Any:
    """The number ``x`` stands for, as a float: a Value's ``data``, a plain number
    converted; a list or tuple of them as a list, element by element (nested too).

    >>> as_float(Value(2.0)), as_float(3), as_float([Value(1.0), (2, Value(0.5))])
    (2.0, 3.0, [1.0, [2.0, 0.5]])
    """
    if isinstance(x, Value):
        return x.data
    if isinstance(x, (list, tuple)):
        return [as_float(v) for v in x]
    return float(x)
