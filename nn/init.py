"""Weight initialisation: ``"uniform"`` (micrograd's), ``"xavier"``, ``"he"``, ``constant(c)``,
and the seeds that make it reproducible."""

from __future__ import annotations

import math
import random
import re
from typing import Any, Union

__all__ = ["Init", "constant", "rng_from", "Seed"]

Seed = Union[None, int, random.Random]


class Init:
    """How a neuron's weights start: ``"uniform"``, ``"xavier"``, ``"he"`` or
    :func:`constant`.

    - ``uniform``: each weight ``U(-1, 1)``, bias 0 (micrograd's).
    - ``xavier`` (Glorot uniform): ``U(-a, a)``, ``a = sqrt(6 / (fan_in + fan_out))``, bias 0,
      as ``torch.nn.init.xavier_uniform_``. Suits tanh and sigmoid.
    - ``he`` (Kaiming uniform for ReLU): ``U(-b, b)``, ``b = sqrt(6 / fan_in)``, bias 0,
      as ``torch.nn.init.kaiming_uniform_(nonlinearity="relu")``. Suits ReLU.
    - ``constant(c)``: every weight *and* bias is ``c``; nothing random.

    >>> Init.parse("xavier"), Init.parse("constant(1.5)"), constant(0)
    (Init('xavier'), constant(1.5), constant(0.0))
    """

    NAMES = ("uniform", "xavier", "he", "constant")
    _ALIASES = {"glorot": "xavier", "kaiming": "he", "micrograd": "uniform"}

    def __init__(self, name: str, value: float = 0.0) -> None:
        name = self._ALIASES.get(name, name)
        if name not in self.NAMES:
            raise ValueError(f"unknown init {name!r}; choose one of {', '.join(self.NAMES)} (constant(c) for a value)")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"init value must be a finite number, got {value!r}")
        self.name = name
        self.value = float(value)

    @classmethod
    def parse(cls, spec: Union[str, Init]) -> Init:
        """An :class:`Init` from a name, ``"constant(c)"``, or an Init."""
        if isinstance(spec, Init):
            return spec
        if not isinstance(spec, str):
            raise TypeError(f"init must be a name or constant(c), got {type(spec).__name__}: {spec!r}")
        m = re.fullmatch(r"\s*constant\s*\(\s*([^)]*?)\s*\)\s*", spec)
        if m:
            try:
                return cls("constant", float(m.group(1)))
            except ValueError:
                raise ValueError(f"bad init {spec!r}: constant(c) needs a number") from None
        if spec.strip().lower() == "constant":
            raise ValueError("init 'constant' needs a value: use constant(c), e.g. init=constant(1.0)")
        return cls(spec.strip().lower())

    def weight(self, rng: Any, fan_in: int, fan_out: int) -> float:
        """One starting weight, drawn from ``rng`` (a ``random.Random`` or the ``random`` module)."""
        if self.name == "uniform":
            return rng.uniform(-1, 1)
        if self.name == "xavier":
            a = math.sqrt(6.0 / (fan_in + fan_out))
            return rng.uniform(-a, a)
        if self.name == "he":
            b = math.sqrt(6.0 / fan_in)
            return rng.uniform(-b, b)
        return self.value

    def bias(self) -> float:
        """The starting bias: ``c`` for ``constant(c)``, else 0."""
        return self.value if self.name == "constant" else 0.0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Init) and (self.name, self.value) == (other.name, other.value)

    def __hash__(self) -> int:
        return hash((self.name, self.value))

    def __repr__(self) -> str:
        return f"constant({self.value!r})" if self.name == "constant" else f"Init({self.name!r})"


def constant(c: float) -> Init:
    """Initialise every weight and bias to ``c`` (the XOR tutorial's network starts at 1).

    >>> from nn import MLP
    >>> MLP(2, [3, 1], activation="linear", init=constant(1.0))([0.0, 0.0]).data
    4.0
    """
    return Init("constant", c)


def rng_from(seed: Seed, who: str = "") -> Any:
    """The source of random numbers for a ``seed`` argument, the one rule every
    ``seed`` in :mod:`nn` follows (weights, data sets, ``fit``'s shuffling): a new
    ``random.Random(seed)`` for an int (the same int, the same numbers); the
    given ``random.Random`` itself (shared, so its state advances); and for None
    the global ``random`` module, so ``random.seed(...)`` decides (micrograd's
    behaviour: ``random.seed(1337); MLP(2, [16, 16, 1])`` has its weights).

    >>> import random
    >>> rng_from(None) is random, rng_from(7).random() == random.Random(7).random()
    (True, True)
    """
    if seed is None or seed is random:
        return random
    if isinstance(seed, random.Random):
        return seed
    if isinstance(seed, int) and not isinstance(seed, bool):
        return random.Random(seed)
    where = f"{who}() " if who else ""  # the function whose seed argument this is, for the message
    raise TypeError(f"{where}seed must be None, an int or a random.Random, got {type(seed).__name__}: {seed!r}")
