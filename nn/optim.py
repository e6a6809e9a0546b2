"""Optimizers and learning-rate schedules, with ``torch.optim``'s formulas.

An optimizer holds a list of parameters (Values) and, on ``step()``, moves
each ``p.data`` using ``p.grad``. The update rules are PyTorch's, step for
step, so the same model trained here and with ``torch.optim`` keeps the same
weights (to rounding).

>>> from autograd import Value
>>> w = Value(3.0)
>>> opt = SGD([w], lr=0.1)
>>> for _ in range(2):
...     opt.zero_grad()
...     loss = w * w            # d loss / d w = 2 w
...     loss.backward()
...     opt.step()
>>> round(w.data, 12)            # 3 -> 3 - 0.1 * 6 = 2.4 -> 2.4 - 0.1 * 4.8 = 1.92
1.92
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterable, List, Optional, Tuple

from autograd import Value, as_float

__all__ = [
    "Optimizer", "SGD", "Adam", "AdamW",
    "Schedule", "LinearDecay", "StepDecay", "LambdaSchedule", "linear_decay", "step_decay", "step",
]


def _number(who: str, name: str, x: Any, low: float = 0.0) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or x < low:
        raise ValueError(f"{who} {name} must be a finite number >= {low:g}, got {x!r}")
    return float(x)


class Optimizer:
    """Base class: holds ``params`` and the learning rate ``lr``.

    ``zero_grad()`` sets every parameter's ``.grad`` to 0; ``step()`` updates
    the parameters from their gradients. ``lr`` may be changed between steps
    (that is what a :class:`Schedule` does).
    """

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        who = type(self).__name__
        if isinstance(params, Value):
            raise TypeError(f"{who}() params must be a list of parameters, got a single Value; wrap it: [{params!r}]")
        if isinstance(params, (str, bytes)) or not hasattr(params, "__iter__"):
            raise TypeError(f"{who}() params must be a list of parameter Values, got {type(params).__name__}: "
                            f"{params!r}")
        self.params: List[Value] = list(params)
        if not self.params:
            raise ValueError(f"{who}() params is an empty list: there is nothing to optimize")
        seen = set()
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"{who}() params must hold Values, got {type(p).__name__} at position {i}: {p!r}")
            if id(p) in seen:
                raise ValueError(f"{who} got the same parameter twice (position {i}); it would be updated twice")
            seen.add(id(p))
        self.lr = _number(who, "lr", lr)
        self.steps = 0

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its ``.grad``."""
        raise NotImplementedError

    def _grads(self) -> List[float]:
        grads = []
        for p in self.params:
            g = p.grad
            grads.append(as_float(g))
        return grads

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.params)} parameters, lr={self.lr!r})"


class SGD(Optimizer):
    """Stochastic gradient descent, as ``torch.optim.SGD``.

    For each parameter p with gradient g::

        g = g + weight_decay * p
        b = g                                   (first step)
        b = momentum * b + (1 - dampening) * g  (later steps)
        g = g + momentum * b if nesterov else b (when momentum != 0)
        p = p - lr * g

    >>> from autograd import Value
    >>> w = Value(1.0); w.grad = 2.0
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> opt.step(); w.data                  # b = 2: 1 - 0.1 * 2
    0.8
    >>> opt.step(); round(w.data, 12)       # b = 0.9 * 2 + 2 = 3.8: 0.8 - 0.38
    0.42
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _number("SGD", "momentum", momentum)
        self.weight_decay = _number("SGD", "weight_decay", weight_decay)
        self.dampening = _number("SGD", "dampening", dampening)
        if nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError("SGD nesterov=True needs momentum > 0 and dampening = 0")
        self.nesterov = bool(nesterov)
        self.buffers: List[Optional[float]] = [None] * len(self.params)

    def step(self) -> None:
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        for i, (p, g) in enumerate(zip(self.params, self._grads())):
            if wd:
                g = g + wd * p.data
            if mu:
                b = self.buffers[i]
                b = g if b is None else mu * b + (1.0 - self.dampening) * g
                self.buffers[i] = b
                g = g + mu * b if self.nesterov else b
            p.data = p.data - lr * g
        self.steps += 1

    def _vector_step(self, data: Any, grads: Any) -> Any:
        """:meth:`step` on NumPy arrays of every parameter's data and gradient (in the order of
        ``params``): the same formulas, float for float; returns the new data (the batched engine's update)."""
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        g = grads + wd * data if wd else grads
        if mu:
            if self.buffers[0] is None:
                b = g
            else:
                import numpy as np

                b = mu * np.array(self.buffers) + (1.0 - self.dampening) * g
            self.buffers = b.tolist()
            g = g + mu * b if self.nesterov else b
        self.steps += 1
        return data - lr * g


class Adam(Optimizer):
    """Adam (Kingma & Ba), as ``torch.optim.Adam``.

    For each parameter p with gradient g, at step t = 1, 2, ...::

        g = g + weight_decay * p
        m = m + (1 - beta1) * (g - m)           (m, v start at 0)
        v = beta2 * v + (1 - beta2) * g^2
        p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    >>> from autograd import Value
    >>> w = Value(1.0); w.grad = 4.0
    >>> opt = Adam([w], lr=0.1)
    >>> opt.step(); round(w.data, 9)         # the first step is about lr * sign(g)
    0.9
    """

    decoupled = False

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: Tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        who = type(self).__name__
        if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
            raise ValueError(f"{who} betas must be a pair (beta1, beta2), got {betas!r}")
        b1, b2 = (_number(who, f"betas[{i}]", b) for i, b in enumerate(betas))
        if not (b1 < 1 and b2 < 1):
            raise ValueError(f"{who} betas must be in [0, 1), got {betas!r}")
        self.betas = (b1, b2)
        self.eps = _number(who, "eps", eps)
        self.weight_decay = _number(who, "weight_decay", weight_decay)
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def _next_step(self) -> Tuple[float, float, float, float, float, float]:
        """Count a step; its (lr, weight_decay, beta1, beta2, lr / (1 - beta1^t), sqrt(1 - beta2^t))."""
        self.steps += 1
        t = self.steps
        b1, b2 = self.betas
        return self.lr, self.weight_decay, b1, b2, self.lr / (1.0 - b1 ** t), math.sqrt(1.0 - b2 ** t)

    def step(self) -> None:
        lr, wd, b1, b2, step_size, bias2_sqrt = self._next_step()
        for i, (p, g) in enumerate(zip(self.params, self._grads())):
            if wd and self.decoupled:
                p.data = p.data * (1.0 - lr * wd)
            elif wd:
                g = g + wd * p.data
            m = self.m[i] = self.m[i] + (1.0 - b1) * (g - self.m[i])
            v = self.v[i] = b2 * self.v[i] + (1.0 - b2) * g * g
            p.data = p.data - step_size * (m / (math.sqrt(v) / bias2_sqrt + self.eps))

    def _vector_step(self, data: Any, grads: Any) -> Any:
        """:meth:`step` on NumPy arrays of every parameter's data and gradient (in the order of
        ``params``): the same formulas, float for float; returns the new data (the batched engine's update)."""
        import numpy as np

        lr, wd, b1, b2, step_size, bias2_sqrt = self._next_step()
        g = grads
        if wd and self.decoupled:
            data = data * (1.0 - lr * wd)
        elif wd:
            g = g + wd * data
        m = np.array(self.m)
        m = m + (1.0 - b1) * (g - m)
        v = b2 * np.array(self.v) + (1.0 - b2) * g * g
        self.m, self.v = m.tolist(), v.tolist()
        return data - step_size * (m / (np.sqrt(v) / bias2_sqrt + self.eps))


class AdamW(Adam):
    """Adam with decoupled weight decay, as ``torch.optim.AdamW``: each step
    first shrinks ``p`` to ``p (1 - lr weight_decay)``, then takes Adam's step
    without the decay in the gradient. ``weight_decay`` defaults to 0.01.

    >>> from autograd import Value
    >>> w = Value(1.0); w.grad = 0.0
    >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
    >>> opt.step(); w.data                   # 1 * (1 - 0.1 * 0.5); no gradient, no Adam move
    0.95
    """

    decoupled = True

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: Tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


# --- learning-rate schedules ---------------------------------------------------------------

class Schedule:
    """Sets ``optimizer.lr`` to ``base_lr * factor(epoch)``; call ``step()``
    once per epoch, after the optimizer's steps, as with
    ``torch.optim.lr_scheduler``. Creating the schedule sets epoch 0's rate.
    ``fit`` calls ``step()`` for you.
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}() optimizer must be an Optimizer, got {type(optimizer).__name__}: "
                            f"{optimizer!r}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.epoch = 0
        self._set(0)

    def factor(self, epoch: int) -> float:
        """The multiplier of the base learning rate at ``epoch``."""
        raise NotImplementedError

    def lr_at(self, epoch: int) -> float:
        """The learning rate at ``epoch`` (0 is the first)."""
        return self.base_lr * self.factor(epoch)

    @property
    def lr(self) -> float:
        """The current learning rate."""
        return self.optimizer.lr

    def get_last_lr(self) -> List[float]:
        """``[lr]``, as PyTorch's schedulers report it."""
        return [self.optimizer.lr]

    def step(self) -> None:
        """Move to the next epoch and set its learning rate."""
        self.epoch += 1
        self._set(self.epoch)

    def _set(self, epoch: int) -> None:
        # A schedule may not give a rate SGD(lr=...) would refuse: NaN or a negative rate ruins every weight.
        lr = self.lr_at(epoch)
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr) or lr < 0:
            raise ValueError(f"{type(self).__name__} gives the learning rate {lr!r} at epoch {epoch}; "
                             "a learning rate must be a finite number >= 0")
        self.optimizer.lr = float(lr)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(epoch={self.epoch}, lr={self.lr!r})"


class LinearDecay(Schedule):
    """``lr`` moves in a straight line from ``start_factor * lr`` to
    ``end_factor * lr`` over ``total_iters`` epochs, then stays, as
    ``torch.optim.lr_scheduler.LinearLR``.

    micrograd's demo, ``lr = 1.0 - 0.9 * k / 100``, is
    ``linear_decay(SGD(params, lr=1.0), end_factor=0.1, total_iters=100)``.

    >>> from autograd import Value
    >>> sched = linear_decay(SGD([Value(0.0)], lr=1.0), end_factor=0.1, total_iters=100)
    >>> [round(sched.lr_at(k), 12) for k in (0, 1, 50, 100, 200)]
    [1.0, 0.991, 0.55, 0.1, 0.1]
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0, end_factor: float = 0.0,
                 total_iters: int = 100) -> None:
        self.start_factor = _number("LinearDecay()", "start_factor", start_factor)
        self.end_factor = _number("LinearDecay()", "end_factor", end_factor)
        if isinstance(total_iters, bool) or not isinstance(total_iters, int) or total_iters < 1:
            raise ValueError(f"LinearDecay() total_iters must be a positive int, got {total_iters!r}")
        self.total_iters = total_iters
        super().__init__(optimizer)

    def factor(self, epoch: int) -> float:
        k = min(epoch, self.total_iters)
        return self.start_factor + (self.end_factor - self.start_factor) * k / self.total_iters


class StepDecay(Schedule):
    """``lr`` is multiplied by ``gamma`` every ``step_size`` epochs, as
    ``torch.optim.lr_scheduler.StepLR``.

    >>> from autograd import Value
    >>> sched = step_decay(SGD([Value(0.0)], lr=1.0), step_size=2, gamma=0.5)
    >>> [sched.lr_at(k) for k in range(6)]
    [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"StepDecay() step_size must be a positive int, got {step_size!r}")
        self.step_size = step_size
        self.gamma = _number("StepDecay()", "gamma", gamma)
        super().__init__(optimizer)

    def factor(self, epoch: int) -> float:
        return self.gamma ** (epoch // self.step_size)


class LambdaSchedule(Schedule):
    """``lr = base_lr * fn(epoch)``, as ``torch.optim.lr_scheduler.LambdaLR``.

    >>> from autograd import Value
    >>> LambdaSchedule(SGD([Value(0.0)], lr=0.5), lambda k: 1 / (k + 1)).lr_at(3)
    0.125
    """

    def __init__(self, optimizer: Optimizer, fn: Callable[[int], float]) -> None:
        if not callable(fn):
            raise TypeError(f"LambdaSchedule() fn must be a function of the epoch, got {type(fn).__name__}: {fn!r}")
        self.fn = fn
        super().__init__(optimizer)

    def factor(self, epoch: int) -> float:
        return float(self.fn(epoch))


def linear_decay(optimizer: Optimizer, start_factor: float = 1.0, end_factor: float = 0.0,
                 total_iters: int = 100) -> LinearDecay:
    """A :class:`LinearDecay` schedule for ``optimizer`` (PyTorch's LinearLR)."""
    return LinearDecay(optimizer, start_factor, end_factor, total_iters)


def step_decay(optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> StepDecay:
    """A :class:`StepDecay` schedule for ``optimizer`` (PyTorch's StepLR)."""
    return StepDecay(optimizer, step_size, gamma)


#: ``optim.step`` is :func:`step_decay` under the short name.
step = step_decay
