"""Random functions over every op of the op-test table, run by chainrule and by PyTorch alike.

A :class:`Program` is a short straight-line function of a few inputs: each step applies one row
of :data:`autograd_optable.ROWS` to earlier results, each argument first squashed into the row's
safe domain with a sigmoid (``lo + (hi - lo) * sigmoid(v)``), so any composition is smooth and
finite. The same program runs on Values (``ours``) and on float64 tensors (``torch``), so the
derivatives of the two can be compared at any order. (Named like ``autograd_optable`` so that it
cannot shadow a helper of another test folder on ``sys.path``.)
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, List, Sequence, Tuple

from autograd_optable import ROWS, OpRow

#: Squash targets stay inside [-LIMIT, LIMIT] so that no value or derivative becomes huge.
LIMIT = 3.0


@dataclass(frozen=True)
class Program:
    inputs: int
    steps: Tuple[Tuple[OpRow, Tuple[int, ...]], ...]
    outputs: Tuple[int, ...]

    def run(self, xs: Sequence[Any], torch_side: bool) -> List[Any]:
        import torch

        nodes = list(xs)
        for row, args in self.steps:
            squashed = []
            for i, (lo, hi) in zip(args, row.domain):
                lo, hi = max(lo, -LIMIT), min(hi, LIMIT)
                v = nodes[i]
                s = torch.sigmoid(v) if torch_side else v.sigmoid()
                squashed.append(lo + (hi - lo) * s)
            nodes.append(row.ref(*squashed) if torch_side else row.ours(*squashed))
        return [nodes[i] for i in self.outputs]

    def _summed(self, xs: Tuple[Any, ...], torch_side: bool) -> Any:
        outs = self.run(xs, torch_side=torch_side)
        total = outs[0]
        for o in outs[1:]:
            total = total + o
        return total

    def ours(self, *xs: Any) -> Any:
        """The scalar function on Values: the sum of the outputs."""
        return self._summed(xs, torch_side=False)

    def ref(self, *xs: Any) -> Any:
        return self._summed(xs, torch_side=True)

    def ours_vector(self, *xs: Any) -> Tuple[Any, ...]:
        return tuple(self.run(xs, torch_side=False))

    def ref_vector(self, *xs: Any) -> Tuple[Any, ...]:
        return tuple(self.run(xs, torch_side=True))

    def __repr__(self) -> str:
        return " ; ".join(f"v{self.inputs + k} = {row.name}{args}" for k, (row, args) in enumerate(self.steps))


def program(row: OpRow, seed: int, inputs: int = 3, length: int = 5) -> Program:
    """A random program of ``length`` steps over ``inputs`` inputs in which ``row`` appears."""
    rng = random.Random(f"{row.name}-{seed}")
    where = rng.randrange(length)
    steps = []
    for k in range(length):
        chosen = row if k == where else rng.choice(ROWS)
        available = inputs + k
        # favour recent results so that the ops compose, but reach back to the inputs too
        args = tuple(max(0, available - 1 - int(rng.expovariate(0.7))) if rng.random() < 0.7
                     else rng.randrange(available) for _ in chosen.domain)
        steps.append((chosen, args))
    total = inputs + length
    outputs = (total - 1, total - 2, rng.randrange(total))
    return Program(inputs, tuple(steps), outputs)


def point(seed: Any, n: int) -> Tuple[float, ...]:
    rng = random.Random(f"point-{seed}")
    return tuple(rng.uniform(-2.0, 2.0) for _ in range(n))
