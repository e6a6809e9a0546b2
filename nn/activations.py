"""The activation table: one record per activation a neuron can apply.

Every reader takes its activations from :data:`TABLE`: :class:`~nn.Neuron`
(which ``Value`` method to call, the names and aliases it accepts, how its
``repr`` spells it), :func:`~nn.torch_bridge.to_torch` and
:func:`~nn.torch_bridge.from_torch` (the ``torch.nn`` module), and
:func:`viz.draw_network` (the label in a neuron). Adding an activation is one
record here, once its op is in :mod:`autograd.ops`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple

from autograd import Value

__all__ = ["Activation", "TABLE", "NAMES", "lookup"]


@dataclass(frozen=True)
class Activation:
    """One activation.

    ``method`` is the ``Value`` method that applies it (None: the identity);
    ``torch`` the ``torch.nn`` class it is in PyTorch, with ``torch_attributes``
    that class must have to be this activation (``GELU`` must be exact, not its
    tanh approximation); ``label`` is what a network picture writes in a
    neuron, ``display`` how a neuron's ``repr`` spells it. ``slope`` marks the
    one that takes the model's ``negative_slope``.

    >>> TABLE["gelu"].apply(Value(1.0)).data == Value(1.0).gelu().data
    True
    >>> TABLE["leaky_relu"].apply(Value(-2.0), slope=0.1).data
    -0.2
    """

    name: str
    display: str
    method: Optional[str]
    torch: str
    label: str
    aliases: Tuple[str, ...] = ()
    slope: bool = False
    torch_attributes: Dict[str, Any] = field(default_factory=dict)

    def apply(self, x: Value, slope: float = 0.01) -> Value:
        """This activation of ``x`` (``slope`` is used by ``leaky_relu`` only)."""
        if self.method is None:
            return x
        method = getattr(x, self.method)
        return method(slope) if self.slope else method()

    def torch_module(self, torch: Any, slope: float = 0.01) -> Optional[Any]:
        """A new ``torch.nn`` module for this activation (None for the identity: nothing to add)."""
        if self.method is None:
            return None
        cls = getattr(torch.nn, self.torch)
        return cls(slope) if self.slope else cls(**self.torch_attributes)

    def matches(self, torch: Any, module: Any) -> bool:
        """True if ``module`` is this activation in PyTorch."""
        return isinstance(module, getattr(torch.nn, self.torch)) and all(
            getattr(module, k, None) == v for k, v in self.torch_attributes.items())


_ROWS = (
    #          name          display      Value method   torch.nn     picture label
    Activation("relu", "ReLU", "relu", "ReLU", "relu"),
    Activation("tanh", "Tanh", "tanh", "Tanh", "tanh"),
    Activation("sigmoid", "Sigmoid", "sigmoid", "Sigmoid", "sigmoid"),
    Activation("leaky_relu", "LeakyReLU", "leaky_relu", "LeakyReLU", "leaky_relu", aliases=("leakyrelu",),
               slope=True),
    Activation("gelu", "GELU", "gelu", "GELU", "gelu", torch_attributes={"approximate": "none"}),
    Activation("silu", "SiLU", "silu", "SiLU", "silu", aliases=("swish",)),
    Activation("linear", "Linear", None, "Identity", "linear", aliases=("identity", "none")),
)

#: Every activation by name.
TABLE: Dict[str, Activation] = {a.name: a for a in _ROWS}
#: The names, in the table's order.
NAMES: Tuple[str, ...] = tuple(TABLE)
_BY_ALIAS = {alias: a.name for a in _ROWS for alias in a.aliases}


def lookup(name: Any) -> Activation:
    """The record for ``name`` (any case, aliases allowed), or a clear error.

    >>> lookup("Identity").name, lookup("SWISH").name
    ('linear', 'silu')
    >>> lookup("softmax")
    Traceback (most recent call last):
    ...
    ValueError: unknown activation 'softmax'; choose one of relu, tanh, sigmoid, leaky_relu, gelu, silu, linear
    """
    if not isinstance(name, str):
        raise TypeError(f"activation must be a name, got {type(name).__name__}: {name!r}")
    key = name.strip().lower()
    key = _BY_ALIAS.get(key, key)
    if key not in TABLE:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(NAMES)}")
    return TABLE[key]
