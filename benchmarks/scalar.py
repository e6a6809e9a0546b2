"""The scalar workload of "Fastest Autograd in the West" (A. Rogozhnikov, 2023).

100 inputs, then ``n`` ops cycling softplus(nodes[-10]), sum(nodes[-30:-10:5]),
nodes[-20] * nodes[-10] and softmax(nodes[-4:]) (four new nodes); forward,
then backward from the last node. Four ways to run it, all computing the same
numbers:

- :class:`NaiveTape`: what a first autograd looks like, one object per
  variable, a tape of (op, inputs, outputs), a dispatch on the op in backward;
- :class:`FlatInterpreter`: the graph as index tuples over lists of floats,
  one ``if`` chain per op, forward and backward;
- chainrule's plain engine: build the graph out of Values, ``backward()``;
- chainrule's compiled tape: record once, replay forward and backward.

The first two are our own code, written for this benchmark as baselines.
"""

from __future__ import annotations

import math
from typing import Any, Callable, List, Sequence, Tuple

INPUTS = 100


def inputs() -> List[float]:
    """The starting values: 0, 0.01, ..., 0.99 (the post uses 0 to 99; smaller
    numbers keep softplus and products from overflowing in 10,000 ops)."""
    return [i / INPUTS for i in range(INPUTS)]


def run_graph(first: Sequence[Any], n_ops: int, softplus: Callable[[Any], Any], total: Callable[[Any], Any],
              softmax: Callable[[Any], List[Any]]) -> List[Any]:
    """The post's graph over any engine's values: the same four ops, cycled."""
    nodes = list(first)
    for op in range(n_ops):
        kind = op % 4
        if kind == 0:
            nodes.append(softplus(nodes[-10]))
        elif kind == 1:
            nodes.append(total(nodes[-30:-10:5]))
        elif kind == 2:
            nodes.append(nodes[-20] * nodes[-10])
        else:
            nodes.extend(softmax(nodes[-4:]))
    return nodes


def _softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softmax(xs: Sequence[float]) -> List[float]:
    m = max(xs)
    exps = [math.exp(x - m) for x in xs]
    s = sum(exps)
    return [e / s for e in exps]


# --- a naive tape -------------------------------------------------------------------

class Var:
    """One variable of the naive tape: a value and a gradient."""

    __slots__ = ("value", "grad")

    def __init__(self, value: float) -> None:
        self.value = value
        self.grad = 0.0


class NaiveTape:
    """Ops append (kind, inputs, outputs) to a tape; backward walks it in reverse."""

    def __init__(self) -> None:
        self.tape: List[Tuple[str, Tuple[Var, ...], Tuple[Var, ...]]] = []

    def softplus(self, x: Var) -> Var:
        out = Var(_softplus(x.value))
        self.tape.append(("softplus", (x,), (out,)))
        return out

    def sum(self, xs: Sequence[Var]) -> Var:
        out = Var(sum(x.value for x in xs))
        self.tape.append(("sum", tuple(xs), (out,)))
        return out

    def mul(self, a: Var, b: Var) -> Var:
        out = Var(a.value * b.value)
        self.tape.append(("mul", (a, b), (out,)))
        return out

    def softmax(self, xs: Sequence[Var]) -> List[Var]:
        outs = [Var(s) for s in _softmax([x.value for x in xs])]
        self.tape.append(("softmax", tuple(xs), tuple(outs)))
        return outs

    def backward(self, root: Var) -> None:
        root.grad = 1.0
        for kind, ins, outs in reversed(self.tape):
            if kind == "softplus":
                ins[0].grad += outs[0].grad * _sigmoid(ins[0].value)
            elif kind == "sum":
                for x in ins:
                    x.grad += outs[0].grad
            elif kind == "mul":
                a, b = ins
                a.grad += outs[0].grad * b.value
                b.grad += outs[0].grad * a.value
            elif kind == "softmax":
                dot = sum(o.grad * o.value for o in outs)
                for x, o in zip(ins, outs):
                    x.grad += o.value * (o.grad - dot)


def naive_tape_run(first: Sequence[float], n_ops: int) -> List[float]:
    """Build the graph on a fresh naive tape, backward; the inputs' gradients."""
    tape = NaiveTape()
    leaves = [Var(v) for v in first]

    nodes = list(leaves)
    for op in range(n_ops):
        kind = op % 4
        if kind == 0:
            nodes.append(tape.softplus(nodes[-10]))
        elif kind == 1:
            nodes.append(tape.sum(nodes[-30:-10:5]))
        elif kind == 2:
            nodes.append(tape.mul(nodes[-20], nodes[-10]))
        else:
            nodes.extend(tape.softmax(nodes[-4:]))
    tape.backward(nodes[-1])
    return [v.grad for v in leaves]


# --- a flat index-based interpreter --------------------------------------------------

SOFTPLUS, SUM, MUL, SOFTMAX = range(4)


class FlatInterpreter:
    """The graph as instructions ``(op, output indices, input indices)`` over one list of floats.

    Compiled once from the op sequence; each run fills the value list forward
    and a gradient list backward.
    """

    def __init__(self, n_inputs: int, n_ops: int) -> None:
        self.program: List[Tuple[int, Tuple[int, ...], Tuple[int, ...]]] = []
        size = n_inputs
        for op in range(n_ops):
            kind = op % 4
            if kind == 0:
                self.program.append((SOFTPLUS, (size,), (size - 10,)))
                size += 1
            elif kind == 1:
                self.program.append((SUM, (size,), tuple(range(size - 30, size - 10, 5))))
                size += 1
            elif kind == 2:
                self.program.append((MUL, (size,), (size - 20, size - 10)))
                size += 1
            else:
                self.program.append((SOFTMAX, tuple(range(size, size + 4)), tuple(range(size - 4, size))))
                size += 4
        self.n_inputs, self.size = n_inputs, size

    def run(self, first: Sequence[float]) -> List[float]:
        """Forward, then backward from the last value; the inputs' gradients."""
        v = list(first) + [0.0] * (self.size - self.n_inputs)
        for kind, outs, ins in self.program:
            if kind == SOFTPLUS:
                v[outs[0]] = _softplus(v[ins[0]])
            elif kind == SUM:
                v[outs[0]] = sum([v[i] for i in ins])
            elif kind == MUL:
                v[outs[0]] = v[ins[0]] * v[ins[1]]
            else:
                for o, s in zip(outs, _softmax([v[i] for i in ins])):
                    v[o] = s
        g = [0.0] * self.size
        g[-1] = 1.0
        for kind, outs, ins in reversed(self.program):
            if kind == SOFTPLUS:
                g[ins[0]] += g[outs[0]] * _sigmoid(v[ins[0]])
            elif kind == SUM:
                go = g[outs[0]]
                for i in ins:
                    g[i] += go
            elif kind == MUL:
                a, b = ins
                go = g[outs[0]]
                g[a] += go * v[b]
                g[b] += go * v[a]
            else:
                dot = sum([g[o] * v[o] for o in outs])
                for i, o in zip(ins, outs):
                    g[i] += v[o] * (g[o] - dot)
        return g[: self.n_inputs]


# --- the ceiling: this very workload as hand-specialised straight-line Python ----------

def ceiling_source(n_inputs: int, n_ops: int, fused: bool = True) -> str:
    """Python source of ``run(first)``: the workload written out for these sizes, every
    value and gradient a local variable, every rule inlined, no dispatch, no lists: the
    fastest pure Python this workload can be (what the compiled tape aims at).

    With ``fused`` each softmax's backward is ``s_j (g_j - sum_i g_i s_i)``, 2n
    multiply-adds; without it, the per-output form ``backward()`` uses (and the tape
    must repeat to stay bit for bit equal), ``s_i (1 - s_i)`` and ``-s_i s_j``: n².
    The gradients of the inputs come back as a list.
    """
    program = FlatInterpreter(n_inputs, n_ops).program
    size = n_inputs + sum(len(outs) for _, outs, _ in program)
    lines = ["def run(first):", f"    ({''.join(f'x{i}, ' for i in range(n_inputs))}) = first"]
    for kind, outs, ins in program:
        x = [f"x{i}" for i in ins]
        if kind == SOFTPLUS:
            lines.append(f"    x{outs[0]} = ({x[0]} if {x[0]} > 0.0 else 0.0) + log1p(exp(-abs({x[0]})))")
        elif kind == SUM:
            lines.append(f"    x{outs[0]} = {' + '.join(x)}")
        elif kind == MUL:
            lines.append(f"    x{outs[0]} = {x[0]} * {x[1]}")
        else:
            lines.append(f"    m = max({', '.join(x)})")
            lines += [f"    e{k} = exp({xi} - m)" for k, xi in enumerate(x)]
            lines.append(f"    t = {' + '.join(f'e{k}' for k in range(len(x)))}")
            lines += [f"    x{out} = e{k} / t" for k, out in enumerate(outs)]
    started = {size - 1}
    lines.append(f"    g{size - 1} = 1.0")

    def add(i: int, expression: str) -> None:
        lines.append(f"    g{i} {'+=' if i in started else '='} {expression}")
        started.add(i)

    for kind, outs, ins in reversed(program):
        if not any(o in started for o in outs):
            continue  # nothing flows back through it
        for o in outs:
            if o not in started:
                add(o, "0.0")
        if kind == SOFTPLUS:
            x = f"x{ins[0]}"
            add(ins[0], f"g{outs[0]} * (1.0 / (1.0 + exp(-{x})) if {x} >= 0 else exp({x}) / (1.0 + exp({x})))")
        elif kind == SUM:
            for i in ins:
                add(i, f"g{outs[0]}")
        elif kind == MUL:
            add(ins[0], f"g{outs[0]} * x{ins[1]}")
            add(ins[1], f"g{outs[0]} * x{ins[0]}")
        elif fused:
            lines.append(f"    d = {' + '.join(f'g{o} * x{o}' for o in outs)}")
            for i, o in zip(ins, outs):
                add(i, f"x{o} * (g{o} - d)")
        else:
            for k, o in enumerate(outs):
                for j, i in enumerate(ins):
                    local = f"x{o} * (1.0 - x{o})" if j == k else f"-x{o} * x{outs[j]}"
                    add(i, f"{local} * g{o}")
    lines.append(f"    return [{', '.join(f'g{i}' if i in started else '0.0' for i in range(n_inputs))}]")
    return "\n".join(lines) + "\n"


def ceiling(n_inputs: int, n_ops: int, fused: bool = True) -> Callable[[Sequence[float]], List[float]]:
    """:func:`ceiling_source` compiled: ``run(first)`` -> the inputs' gradients."""
    namespace: dict = {"exp": math.exp, "log1p": math.log1p}
    exec(compile(ceiling_source(n_inputs, n_ops, fused), "<ceiling>", "exec"), namespace)  # noqa: S102
    run: Callable[[Sequence[float]], List[float]] = namespace.pop("run")
    return run


# --- the floor of the plain engine: what any graph of Values costs -----------------------

def value_floor_run(first: Sequence[float], n_ops: int) -> int:
    """The least a graph of chainrule Values can cost on this workload: the same nodes made
    as bare Values (no forward rule, no checks, no mode), then one topological order, as
    ``backward()`` needs before its first edge. No chain rule at all."""
    from autograd.engine import MANY, graph_order
    from autograd.value import Value

    new = object.__new__

    def node(a: Any, b: Any) -> Any:
        v = new(Value)
        v.data = 0.5
        v.grad = 0.0
        v.label = ""
        v._a, v._b, v._fn = a, b, None
        return v

    nodes: List[Any] = [node(None, None) for _ in first]
    for op in range(n_ops):
        kind = op % 4
        if kind == 0:
            nodes.append(node(nodes[-10], None))
        elif kind == 1:
            nodes.append(node(tuple(nodes[-30:-10:5]), MANY))
        elif kind == 2:
            nodes.append(node(nodes[-20], nodes[-10]))
        else:
            inputs = tuple(nodes[-4:])
            nodes.extend([node(inputs, MANY) for _ in range(4)])
    return len(graph_order(nodes[-1]))


# --- chainrule ------------------------------------------------------------------------

def chainrule_graph(first: Sequence[float], n_ops: int) -> Tuple[List[Any], Any]:
    """The graph built from chainrule Values: (the input Values, the last node)."""
    import autograd
    from autograd import Value

    leaves = [Value(v) for v in first]
    nodes = run_graph(leaves, n_ops, Value.softplus, autograd.sum, autograd.softmax)
    return leaves, nodes[-1]


def chainrule_plain_run(first: Sequence[float], n_ops: int) -> List[float]:
    """Build the graph from Values and call ``backward()``; the inputs' gradients."""
    leaves, root = chainrule_graph(first, n_ops)
    root.backward()
    return [v.grad for v in leaves]


def chainrule_tape(first: Sequence[float], n_ops: int) -> Tuple[Callable[[], List[float]], Any]:
    """Record the graph once; return a replay (forward, backward, the inputs'
    gradients) and the tape."""
    import autograd

    leaves, root = chainrule_graph(first, n_ops)
    tape = autograd.compile(root)

    def replay() -> List[float]:
        tape.forward()
        for leaf in leaves:
            leaf.grad = 0.0
        tape.backward()
        return [leaf.grad for leaf in leaves]

    return replay, tape
