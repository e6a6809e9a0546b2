"""The one door between the page's JavaScript and Python: JSON in, JSON out.

The page calls ``call(name, json_arguments)`` and gets a JSON string back, so
no Python object ever leaks into JavaScript. Floats that are not finite
(an infinite gradient at a kink) arrive as the strings ``"inf"``, ``"-inf"``
and ``"nan"``, since JSON has no such numbers.

>>> import json
>>> reply = json.loads(call("expression", '{"text": "x*x", "values": "x=3"}'))
>>> reply["value"], reply["leaves"][0]["grad"]
(9.0, 6.0)
>>> json.loads(call("nope", "{}"))["error"]
"unknown playground call 'nope'"
"""

from __future__ import annotations

import json
import math
from typing import Any, Callable, Dict

from .expression import expression_view

__all__ = ["call", "CALLS"]

_session: Dict[str, Any] = {}


def _trainer(**settings: Any) -> Dict[str, Any]:
    from .network import Trainer

    _session["trainer"] = Trainer(**settings)
    return _session["trainer"].view()


def _train(steps: int = 1) -> Dict[str, Any]:
    trainer = _session.get("trainer")
    if trainer is None:
        return {"ok": False, "error": "no network yet: choose its settings first"}
    return trainer.train(steps)


def _replay(step: int) -> Dict[str, Any]:
    trainer = _session.get("trainer")
    if trainer is None:
        return {"ok": False, "error": "no network yet: choose its settings first"}
    return trainer.view(step)


def _unit(step: int, layer: int, unit: int) -> Dict[str, Any]:
    trainer = _session.get("trainer")
    if trainer is None:
        return {"ok": False, "error": "no network yet: choose its settings first"}
    return trainer.unit_step(step, layer, unit)


def _exercise(**kwargs: Any) -> Dict[str, Any]:
    from .practice import new_exercise

    exercise, view = new_exercise(**kwargs)
    _session["exercise"] = exercise
    return view


def _check(answers: Dict[str, str]) -> Dict[str, Any]:
    from .practice import check

    exercise = _session.get("exercise")
    if exercise is None:
        return {"ok": False, "error": "no exercise yet: ask for one first"}
    return check(exercise, answers)


#: What the page may call, by name.
CALLS: Dict[str, Callable[..., Dict[str, Any]]] = {
    "expression": expression_view,
    "network": _trainer,
    "train": _train,
    "replay": _replay,
    "unit": _unit,
    "exercise": _exercise,
    "check": _check,
}


def _clean(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return repr(x)
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    return x


def call(name: str, arguments: str) -> str:
    """Run the playground call ``name`` with JSON ``arguments``; the reply as JSON.

    An unknown call, arguments that are not a JSON object, or a call that
    refuses its input give ``{"ok": false, "error": ...}``.
    """
    fn = CALLS.get(name)
    if fn is None:
        return json.dumps({"ok": False, "error": f"unknown playground call {name!r}"})
    try:
        kwargs = json.loads(arguments)
        if not isinstance(kwargs, dict):
            raise TypeError(f"the arguments of {name} must be a JSON object, got {type(kwargs).__name__}")
        reply = fn(**kwargs)
    except (TypeError, ValueError, ArithmeticError) as e:
        reply = {"ok": False, "error": str(e)}
    return json.dumps(_clean(reply), allow_nan=False)
