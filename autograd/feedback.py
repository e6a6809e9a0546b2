"""What :meth:`autograd.exercises.Exercise.check` says: a :class:`Feedback` made of a
:class:`Result` per answer and the first :class:`Edge` where the chain goes wrong,
written in the shared notation (:mod:`autograd.notation`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from . import notation
from .misconceptions import MISCONCEPTIONS

__all__ = ["Feedback", "Result", "Edge", "close", "RTOL", "ATOL"]

#: An answer within this relative distance of the right one counts as right (students round) ...
RTOL = 1e-3
#: ... or within this absolute distance (for answers near zero).
ATOL = 1e-6


def close(given: float, expected: float) -> bool:
    """Whether ``given`` is right for ``expected``, by :data:`RTOL` or :data:`ATOL`.

    >>> close(-1.5007, -1.50067), close(0.5, 0.5005), close(0.5, 0.501), close(1e-7, 0.0)
    (True, True, False, True)
    """
    return abs(given - expected) <= max(ATOL, RTOL * abs(expected))


@dataclass(frozen=True)
class Edge:
    """One edge of the graph: ``output`` is made from ``input`` (its argument
    ``position``), and ``local`` is ∂output/∂input there; ``rule`` is that local
    derivative as a formula in the nodes' names (``w`` for ``∂h1/∂x`` with h1 = x*w).
    ``upstream`` is the right dL/doutput, ``index`` the edge's place in the
    backward pass (0 is the first edge it follows), and ``misconception`` the
    slip found there (None if none). ``str(edge)`` is the local derivative's
    name, ``∂h1/∂x``."""

    output: str
    input: str
    position: int
    local: float
    rule: str
    upstream: float
    index: int
    misconception: Optional[str] = None
    of: str = "L"

    def __str__(self) -> str:
        return notation.local(self.output, self.input)


@dataclass(frozen=True)
class Result:
    """The verdict on one answer: ``given`` (None when ``missing``), the
    ``expected`` gradient, whether it is ``correct``, and for a wrong one the
    ``misconceptions`` that reproduce it (most specific first; ``misconception``
    is the first, or None) and the first ``edge`` on its chain where it goes wrong
    (None when that cannot be told)."""

    name: str
    given: Optional[float]
    expected: float
    correct: bool
    missing: bool = False
    misconceptions: Tuple[str, ...] = ()
    edge: Optional[Edge] = None
    of: str = "L"

    @property
    def misconception(self) -> Optional[str]:
        """The most specific misconception that gives the student's number, or None.

        >>> from autograd.exercises import Exercise
        >>> Exercise.from_expression("x/y", x=3, y=2).check({"x": 0.5, "y": 0.75}).results["y"].misconception
        'quotient-sign'
        """
        return self.misconceptions[0] if self.misconceptions else None

    def __str__(self) -> str:
        d = notation.total(self.of, self.name)
        if self.missing:
            return f"{d} is missing: give a number for {self.name}."
        if self.correct:
            return f"{d} = {_num(self.given)} is right."
        assert self.given is not None
        text = f"{d} = {_num(self.given)} is not right: it is {_num(self.expected)}."
        found = [MISCONCEPTIONS[m] for m in self.misconceptions]
        if found:
            slips = ", or when you ".join(f"{m.summary} ({m.name})" for m in found)
            agree = f" (on this exercise these {len(found)} slips give the same number)" if len(found) > 1 else ""
            text += f" It is what you get when you {slips}{agree}. " + " ".join(f"{m.right}." for m in found)
        return text


@dataclass(frozen=True)
class Feedback:
    """What :meth:`Exercise.check` says: ``correct`` when every gradient is right,
    a :class:`Result` per name in ``results`` (every variable, and any
    intermediate node answered), and ``edge``, the first edge (in the order of the
    backward pass) where the student's chain goes wrong. ``str(feedback)`` says it
    in a few sentences."""

    correct: bool
    results: Dict[str, Result]
    edge: Optional[Edge]
    expression: str

    @property
    def score(self) -> Tuple[int, int]:
        """(right answers, answers asked for).

        >>> from autograd.exercises import Exercise
        >>> Exercise.from_expression("x*y", x=2, y=3).check({"x": 3, "y": 3}).score
        (1, 2)
        """
        return sum(r.correct for r in self.results.values()), len(self.results)

    def __str__(self) -> str:
        right, total = self.score
        if self.correct:
            return f"All {total} right. " + " ".join(
                f"{notation.total(r.of, n)} = {_num(r.expected)}." for n, r in self.results.items())
        lines = [f"{right} of {total} right."]
        lines += [str(r) for r in self.results.values()]
        if self.edge is not None:
            lines.append(_where(self.edge))
        return "\n".join(lines)


def _num(x: Optional[float]) -> str:
    return notation.number(x, digits=4) if x is not None else "–"


def _where(e: Edge) -> str:
    """Where the chain first goes wrong, in a sentence fit for the slip found there."""
    value = _num(e.local)
    rule = f"{e.rule} = {value}" if e.rule and e.rule != value else value
    up = notation.total(e.of, e.output)
    if e.misconception == "no-accumulate":
        return (f"Your chain first goes wrong at {e.input}, which is used more than once: its gradient "
                f"is the sum over its uses, and the one through {e.output}, {up} · {e} = "
                f"{_num(e.upstream)} · {value}, is missing.")
    if e.misconception == "no-upstream":
        return (f"Your chain first goes wrong at {e} = {rule}: multiply it by the gradient arriving from above, "
                f"{up} = {_num(e.upstream)}.")
    return (f"Your chain first goes wrong at {e}, the local derivative of {e.output} with respect to {e.input}, "
            f"which is {rule}.")
