"""Warnings the Network tab puts on the picture: dead, saturated, vanishing, exploding.

The thresholds are rules of thumb, said in each warning's text:

- a ReLU unit is **dead** when its output is 0 on every point of the dataset:
  its local derivative is then 0 everywhere, so no gradient reaches its weights;
- a tanh (sigmoid) unit is **saturated** when on at least 90% of the points its
  output is within 0.03 of ±1 (of 0 or 1), where its local derivative
  1 − tanh² (σ(1 − σ)) is below 0.06 (0.03);
- a layer's gradients **vanish** when the root-mean-square of its weights'
  gradients is below 1e-6, or below 1/1000 of the largest layer's (of those not exploding);
- they **explode** above 1e3 (or are not finite).

>>> from nn import MLP
>>> model = MLP(2, [2, 1], activation="relu", seed=0)
>>> [w["text"] for w in unit_warnings(model, "relu", [[[0.0, 0.0], [0.5, 0.0]]])]
['Z1 is a dead ReLU: its output is 0 on every point, so no gradient reaches its weights']
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Sequence

from ..network import unit_names

__all__ = ["unit_warnings", "layer_health", "SATURATED_SHARE", "NEAR", "VANISHING", "RELATIVE_VANISHING",
           "EXPLODING"]

SATURATED_SHARE = 0.9
NEAR = 0.03
VANISHING, RELATIVE_VANISHING, EXPLODING = 1e-6, 1e-3, 1e3


def unit_warnings(model: Any, activation: str,
                  activations: Sequence[Sequence[Sequence[float]]]) -> List[Dict[str, Any]]:
    """Dead and saturated hidden units, from their outputs ``[layer][unit][sample]``."""
    names = unit_names(model)
    found: List[Dict[str, Any]] = []
    for k, layer in enumerate(activations):
        for u, outputs in enumerate(layer):
            name = names[k + 1][u + 1]
            unit = {"unit": f"n{k}_{u}", "layer": k, "name": name}
            if activation == "relu" and all(a <= 0.0 for a in outputs):
                found.append({**unit, "kind": "dead",
                              "text": f"{name} is a dead ReLU: its output is 0 on every point, "
                                      f"so no gradient reaches its weights"})
            elif activation in ("tanh", "sigmoid") and outputs:
                if activation == "tanh":
                    near = sum(abs(a) > 1 - NEAR for a in outputs)
                else:
                    near = sum(a < NEAR or a > 1 - NEAR for a in outputs)
                share = near / len(outputs)
                if share >= SATURATED_SHARE:
                    ends = "±1" if activation == "tanh" else "0 or 1"
                    found.append({**unit, "kind": "saturated",
                                  "text": f"{name} is a saturated {activation} unit: on {share:.0%} of the points "
                                          f"its output is within {NEAR} of {ends}, where its slope is nearly 0"})
    return found


def layer_health(model: Any, grads: Sequence[float]) -> Dict[str, Any]:
    """Each layer's gradient size (root mean square over its weights and biases) and its verdict."""
    sizes = []
    start = 0
    for layer in model.layers:
        count = len(layer.parameters())
        part = grads[start:start + count]
        start += count
        finite = all(math.isfinite(g) for g in part)
        sizes.append(math.sqrt(sum(g * g for g in part) / len(part)) if finite else math.inf)
    largest = max((s for s in sizes if math.isfinite(s) and s <= EXPLODING), default=0.0)  # among sane layers
    layers, warnings = [], []
    for k, rms in enumerate(sizes):
        name = f"layer {k + 1}" + (" (output)" if k == len(sizes) - 1 else "")
        if not math.isfinite(rms) or rms > EXPLODING:
            status = "exploding"
            text = f"{name}: gradients are exploding (size {rms:.3g}, above {EXPLODING:g}); lower the learning rate"
        elif largest > 0 and (rms < VANISHING or rms < RELATIVE_VANISHING * largest):
            status = "vanishing"
            text = (f"{name}: gradients are vanishing (size {rms:.3g}, under 1/1000 of the largest layer's "
                    f"{largest:.3g}); its weights barely move")
        else:
            status, text = "ok", ""
        layers.append({"layer": k, "name": name, "grad_rms": rms, "status": status})
        if text:
            warnings.append({"unit": None, "layer": k, "name": name, "kind": status, "text": text})
    return {"layers": layers, "warnings": warnings}
