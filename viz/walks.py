"""The walks a step page can show: backprop (reverse order) and forward mode from one input.

A walk is JSON-ready data for the page's script: the frames in order, each with the
boxes it updates and the ids it highlights (the ids ``draw_graph`` gives: ``v<i>``,
``op<i>``, ``e<i>_<k>``), and every text already written by :mod:`autograd.notation`
(through :func:`~autograd.backprop_steps` and :func:`autograd.forward_steps_data`).
Both orders have the same shape, so one script steps through either.

Highlights mean the same in both orders: ``node`` (solid purple) is the value the
derivative comes from, ``parent`` (dashed orange) the value whose cell the step
updates. Backprop goes from a node back to its input; forward mode from an input on
to the node made from it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Union

from autograd import Value, notation
from autograd.forward_steps import forward_steps_data

from ._render import fmt
from .steps import NeuronStep, Step

__all__ = ["MODES", "MAX_FORWARD_STEPS", "resolve_wrt", "reverse_walk", "forward_walk"]

#: What a step page can show: backprop, forward mode from chosen inputs, or both with a switch.
MODES = ("reverse", "forward", "both")

#: The most forward-mode steps one page embeds (all its inputs' walks together): past it,
#: ``mode="both"`` asks for ``wrt=`` (a page with every walk of a big graph would weigh megabytes).
MAX_FORWARD_STEPS = 20000

Wrt = Union[Value, str, Sequence[Union[Value, str]], None]


def _shown(wrt: Any) -> str:
    if isinstance(wrt, Value):
        return repr(wrt.label) if wrt.label else repr(wrt)
    return repr(wrt)


def resolve_wrt(who: str, root: Value, order: List[Value], names: Dict[Value, str], mode: str,
                wrt: Wrt) -> List[Value]:
    """The inputs the forward walks follow: ``wrt`` checked and made a list of leaves.

    ``wrt`` is a leaf of the graph (a ``Value``), its name (``"x"``, as every view writes
    it), or a list or tuple of them; with ``mode="both"``, ``None`` means every input.
    """
    if mode not in MODES:
        raise ValueError(f"{who}() mode must be 'reverse', 'forward' or 'both', got {mode!r}")
    leaves = [v for v in order if v.is_leaf and not v.is_constant]
    if mode == "reverse":
        if wrt is not None:
            raise ValueError(
                f"{who}() wrt is for mode='forward' or mode='both' (backprop finds every input's gradient in "
                f"one walk), got wrt={_shown(wrt)} with mode='reverse'")
        return []
    if wrt is None:
        if mode == "forward":
            raise ValueError(f"{who}(mode='forward') needs wrt=, the input forward mode follows "
                             f"(one of {', '.join(names[v] for v in leaves) or 'none'})")
        return leaves
    items = list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]
    if not items:
        raise ValueError(f"{who}() wrt must name at least one input, got {wrt!r}")
    by_name = {names[v]: v for v in leaves}
    chosen: List[Value] = []
    for item in items:
        if isinstance(item, str):
            if item not in by_name:
                raise ValueError(f"{who}() wrt={item!r} is not an input of {names[root]}; its inputs are "
                                 f"{', '.join(names[v] for v in leaves) or 'none'}")
            leaf = by_name[item]
        elif isinstance(item, Value):
            if item not in names:
                raise ValueError(f"{who}() wrt={_shown(item)} is not in the graph of {names[root]}")
            if item.is_constant or not item.is_leaf:
                what = "a constant" if item.is_constant else "computed from other values"
                raise ValueError(f"{who}() wrt={names[item]!r} is {what}, not an input; forward mode starts "
                                 f"from an input: {', '.join(names[v] for v in leaves) or 'none'}")
            leaf = item
        else:
            raise TypeError(f"{who}() wrt must be a Value, a leaf's name (str) or a list of them, "
                            f"got {type(item).__name__}: {item!r}")
        if leaf not in chosen:
            chosen.append(leaf)
    return chosen


def reverse_walk(root: Value, steps: Sequence[Union[Step, NeuronStep]], index: Dict[Value, int],
                 digits: int, graph: notation.GraphNames) -> Dict[str, Any]:
    """Backprop as a walk: frame k is ``backprop_steps(root)[k - 1]``."""
    neuron = bool(steps) and isinstance(steps[0], NeuronStep)
    table = graph.table("text")
    name, arg = table.name(root), table.arg(root)
    return {
        "order": "reverse",
        "wrt": None,
        "cell": "grad",
        "level": "neuron" if neuron else "edge",
        "controls": "Step through backprop",
        "intro": f"Backprop starts at {name} with {notation.total(arg, arg)} = 1 and goes back along every edge.",
        "orderLine": (f"Order: reverse (backprop), from {name} back to every input: each input's grad "
                      f"{notation.total(arg, '(input)')}, in one walk."),
        "flow": "the value, op and edge the gradient flows back through",
        "updated": "the value whose grad is being updated",
        # backprop's seed: droot/droot = 1, shown from the first step on
        "seeds": [[f"v{index[root]}", fmt(1.0, digits), True, repr(1.0)]],
        "seedFrame": 1,
        "end": "",
        "steps": [_neuron_record(s, index, digits) if isinstance(s, NeuronStep) else _step_record(s, index, digits)
                  for s in steps],
        "items": [s.equation(digits=digits).splitlines()[0] for s in steps],
    }


def forward_walk(root: Value, wrt: Value, digits: int, graph: notation.GraphNames) -> Dict[str, Any]:
    """Forward mode from ``wrt`` as a walk: the tangent ``dn/dwrt`` of every node, inputs first
    (:func:`autograd.forward_steps_data`). The inputs' tangents (1 for ``wrt``, 0 for the others)
    are given, so they show from frame 0."""
    data = forward_steps_data(root, wrt, digits)
    table = graph.table("text")
    x, arg, root_arg = data["wrt"], table.arg(wrt), table.arg(root)
    dx = notation.total(arg, arg)
    steps = []
    for r in data["steps"]:
        steps.append({
            **{k: r[k] for k in ("node", "parent", "op", "edge", "out", "final", "head", "symbolic", "rule",
                                 "equation", "equationFull", "result")},
            # the cells write numbers as every picture does (fmt), the equations as the notation does
            "updates": [[r["node"], fmt(float(r["tangentFull"]), digits), r["final"], r["tangentFull"]]],
            # from the input (solid) to the node whose tangent grows (dashed)
            "highlight": {"node": [r["parent"]], "parent": [r["node"]], "op": [r["op"]],
                          "edge": [r["edge"], r["out"]]},
        })
    if steps:
        steps[-1]["result"] += "\n" + data["end"]
    return {
        "order": "forward",
        "wrt": x,
        "wrtId": data["wrtId"],
        "cell": "tangent",
        "level": "edge",
        "total": notation.total(root_arg, arg),
        "controls": f"Step through forward mode from {x}",
        "intro": (f"Forward mode starts at the inputs with {dx} = 1 and every other input's tangent 0; each step "
                  "multiplies a local derivative by an input's tangent."),
        "orderLine": (f"Order: forward mode, from {x} on to {table.name(root)}: each value's tangent "
                      f"{notation.total('(value)', arg)}, ending on {notation.total(root_arg, arg)}."),
        "flow": "the value, op and edge the tangent flows forward through",
        "updated": "the value whose tangent is being updated",
        "seeds": [[id_, fmt(float(text), digits), True, repr(float(text))] for id_, text in data["tangents"].items()],
        "seedFrame": 0,
        "end": data["end"],
        "rootTangent": data["rootTangent"],
        "rootTangentFull": data["rootTangentFull"],
        "steps": steps,
        "items": [r["equation"] for r in data["steps"]],
    }


def _step_record(s: Step, index: Dict[Value, int], digits: int) -> Dict[str, Any]:
    """One edge-level frame of backprop: what the page highlights, the boxes it updates and
    the text it shows (all text from :mod:`autograd.notation`)."""
    i = index[s.node]
    parent = f"v{index[s.parent]}"
    return {
        "node": f"v{i}",
        "parent": parent,
        "op": f"op{i}",
        "edge": f"e{i}_{s.position}",
        "out": f"e{i}",
        "grad": fmt(s.parent_grad_after, digits),
        "gradFull": repr(s.parent_grad_after),
        "final": s.final,
        "updates": [[parent, fmt(s.parent_grad_after, digits), s.final, repr(s.parent_grad_after)]],
        "highlight": {"node": [f"v{i}"], "parent": [parent], "op": [f"op{i}"],
                      "edge": [f"e{i}_{s.position}", f"e{i}"]},
        "head": f"Step {s.index + 1}: through the {s.op} that made {s.node_name}, back to its input {s.parent_name}",
        "symbolic": s.symbolic(),
        "rule": notation._edge(s.node, s.position, s.local, s.graph.table("text"), digits),
        "equation": s.equation(digits=digits),
        "equationFull": s.equation(digits=17),
        "result": s.result(digits=digits),
    }


def _neuron_record(s: NeuronStep, index: Dict[Value, int], digits: int) -> Dict[str, Any]:
    """One neuron-level frame: the unit's nodes and edges, and every box it updates, in order."""
    unit = f"v{index[s.unit]}"
    members = [f"v{index[v]}" for v in s.members]
    inputs = [f"v{index[i.value]}" for i in s.inputs]
    edges = [f"e{index[e.node]}_{e.position}" for e in s.edges] + [f"e{index[v]}" for v in s.members]
    lines = s.lines(digits)
    last = s.edges[-1]
    return {
        "node": unit,
        "parent": inputs[0] if inputs else unit,
        "op": f"op{index[s.unit]}",
        "edge": edges[0],
        "out": f"e{index[s.unit]}",
        "grad": fmt(last.parent_grad_after, digits),
        "gradFull": repr(last.parent_grad_after),
        "final": last.final,
        "updates": [[f"v{index[e.parent]}", fmt(e.parent_grad_after, digits), e.final, repr(e.parent_grad_after)]
                    for e in s.edges],
        "highlight": {"node": members, "parent": inputs, "op": [f"op{index[v]}" for v in s.members], "edge": edges},
        "head": f"Step {s.index + 1}: the unit {s.unit_name}, {lines[0]}",
        "symbolic": s.symbolic(),
        "rule": "",
        "equation": "\n".join(line.strip() for line in lines[1:]),
        "equationFull": "\n".join(line.strip() for line in s.lines(17)[1:]),
        "result": s.result(digits=digits),
    }
