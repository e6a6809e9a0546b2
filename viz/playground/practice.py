"""The Exercises tab: a random exercise from :mod:`autograd.exercises` and its diagnosing feedback."""

from __future__ import annotations

import math
import random
from typing import Any, Dict, Mapping, Optional, Tuple

from autograd import topological_order
from autograd.exercises import Exercise, make_exercise

from ..graph import _build

__all__ = ["new_exercise", "check"]


def new_exercise(seed: Optional[int] = None, level: int = 1) -> Tuple[Exercise, Dict[str, Any]]:
    """An exercise (``make_exercise(seed, level)``; a random seed when None) and what the page shows of it:
    the task, the named intermediate nodes and the graph with every gradient left for the student (``?``).

    >>> exercise, view = new_exercise(seed=3, level=1)
    >>> view["seed"], view["variables"] == exercise.variables, "grad ?" in view["dot"]
    (3, True, True)
    """
    if seed is None:
        seed = random.randrange(1_000_000)
    exercise = make_exercise(int(seed), int(level))
    root = exercise.root
    order = topological_order(root)
    graph = _build(root, order, "LR", None, None, True, 4, grad_text=lambda v: "–" if v.is_constant else "?")
    return exercise, {
        "ok": True,
        "seed": int(seed),
        "level": int(level),
        "task": exercise.task(),
        "expression": exercise.expression,
        "values": exercise.values,
        "variables": exercise.variables,
        "definitions": [f"{name} = {text}" for name, text in exercise.definitions.items()],
        "dot": graph.source,
        "description": f"Computation graph of L = {exercise.expression}, with every gradient left as a question "
                       f"mark for you to find.",
    }


def check(exercise: Exercise, answers: Mapping[str, Any]) -> Dict[str, Any]:
    """The feedback on ``answers`` (name -> the text the student typed; blank means not answered).

    >>> exercise, _ = new_exercise(seed=3, level=1)
    >>> right = {name: str(g) for name, g in exercise.answers().items()}
    >>> check(exercise, right)["correct"]
    True
    >>> check(exercise, {name: "x" for name in right})["error"]  # doctest: +ELLIPSIS
    "... is not a number: 'x'"
    """
    given: Dict[str, float] = {}
    for name, text in answers.items():
        text = str(text).strip().replace("−", "-")
        if not text:
            continue  # left blank: the feedback says it is missing
        try:
            value = float(text)
        except ValueError:
            return {"ok": False, "error": f"the answer for dL/d{name} is not a number: {text!r}"}
        if not math.isfinite(value):
            return {"ok": False, "error": f"the answer for dL/d{name} must be a finite number, got {text!r}"}
        given[name] = value
    feedback = exercise.check(given)
    right, total = feedback.score
    return {
        "ok": True,
        "correct": feedback.correct,
        "score": [right, total],
        "results": {name: {"correct": r.correct, "missing": r.missing, "misconception": r.misconception}
                    for name, r in feedback.results.items()},
        "feedback": str(feedback),
    }
