"""A worked chain-rule example: one tanh neuron, forward and backward, printed.

Run it with ``python -m autograd.demo`` (``make demo``).
"""

from __future__ import annotations

from .engine import topological_order
from .value import Value


def neuron() -> Value:
    """The neuron o = tanh(x1*w1 + x2*w2 + b) at the classic point, backpropagated.

    >>> o = neuron()
    >>> round(o.data, 4)
    0.7071
    """
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    n = x1w1 + x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o


def main() -> None:
    o = neuron()
    print("o = tanh(x1*w1 + x2*w2 + b)\n")
    print(f"{'node':>8} {'op':>6} {'data':>10} {'d o / d node':>14}")
    for v in topological_order(o):
        print(f"{v.label or '·':>8} {v.op or 'leaf':>6} {v.data:>10.4f} {v.grad:>14.4f}")
    print("\nThe chain rule, by hand, for w1:")
    print(f"  do/dn   = 1 - o^2         = {1 - o.data ** 2:.4f}")
    print("  dn/dw1  = x1              = 2.0")
    print(f"  do/dw1  = do/dn * dn/dw1  = {(1 - o.data ** 2) * 2.0:.4f}   (backward() says the same)")


if __name__ == "__main__":
    main()
