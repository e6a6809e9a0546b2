"""The code generator behind :func:`autograd.compile`.

A graph in topological order becomes straight-line Python, cut into chunks of
:data:`CHUNK` nodes so that compiling stays fast and small however big the
graph is. Each chunk is two functions:

- ``forward(V, L, C, o, l, c)`` computes its nodes from earlier values (the
  list ``V``), the leaves ``L`` and the constants ``C``, and returns them as
  a tuple, which the tape appends to ``V``;
- ``backward(V, G, seed, o)`` runs the chain rule for its nodes, from the
  last to the first, in local variables; a gradient that flows into an
  earlier chunk is added to the list ``G``.

A chunk addresses the lists relative to its first node ``o``, first leaf
``l`` and first constant ``c``, so chunks that do the same thing at different
places (every layer of a network, a repeated block) are one compiled function.

Every line applies an op row of :mod:`autograd.ops`: its ``forward`` and
``local`` are called by name, except where the row's rule is plain
arithmetic that Python can spell inline (:data:`INLINE_FORWARD`,
:data:`INLINE_LOCALS`; tests check each against the row bit for bit). The
order of operations is the backward pass's own, so a replay gives the very
floats ``backward()`` gives.

Names in the generated code: ``x{k}``/``g{k}`` are the value and gradient of
the chunk's node ``k``, ``f{n}``/``l{n}`` the forward and local rule of op
``n``, ``s{n}`` a softmax both chunk functions compute once per group.
"""

from __future__ import annotations

import builtins
import math
import operator
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from . import ops
from .engine import CODE_NAMES, MANY

__all__ = ["CHUNK", "INLINE_FORWARD", "INLINE_LOCALS", "Program", "generate"]

#: Nodes per generated function: small enough to compile fast, big enough that
#: the calls between chunks cost nothing.
CHUNK = 512

#: Forward rules the generated code spells inline, keyed by the row's ``forward``: a
#: Python operator, or the row's float rule written out (the names are :data:`INLINE_NAMES`).
#: Tests check each against the row bit for bit.
INLINE_FORWARD: Dict[Any, str] = {
    operator.add: "{a} + {b}",
    operator.sub: "{a} - {b}",
    operator.mul: "{a} * {b}",
    operator.neg: "-{a}",
    ops.SOFTPLUS.forward: "(({a} if {a} > 0.0 else 0.0) + LOG1P(EXP(-abs({a}))))",
    ops.SIGMOID.forward: "(1.0 / (1.0 + EXP(-{a})) if {a} >= 0 else EXP({a}) / (1.0 + EXP({a})))",
}

#: What a row's ``code`` may call, written out: ``SIGMOID(x)`` is the sigmoid row's forward rule.
_EXPAND = {"SIGMOID({a})": INLINE_FORWARD[ops.SIGMOID.forward]}


def _expanded(expression: str) -> str:
    for call, body in _EXPAND.items():
        expression = expression.replace(call, body)
    return expression

#: The local derivatives the generated code inlines instead of calling
#: ``op.local``: each row's ``code`` (Python expressions of ``{o}``, the output,
#: and ``{a}``, ``{b}``, the inputs; an n-ary row's one expression serves every
#: input). Tests check each against ``local`` bit for bit.
INLINE_LOCALS: Dict[str, Tuple[str, ...]] = {name: tuple(_expanded(e) for e in op.code)
                                              for name, op in ops.OPS.items() if op.code is not None}

#: The names the generated code calls: the row code's names (``SIGMOID``: the sigmoid row's
#: forward, ``STOP``: the masking zero), ``math``'s functions the inlined rules use, and the
#: float softmax (``SOFTMAX``: what derivatives use; ``SOFTMAX_OUTPUTS``: a softmax's outputs).
INLINE_NAMES: Dict[str, Any] = {**CODE_NAMES, "EXP": math.exp, "LOG1P": math.log1p,
                                "SOFTMAX": ops.softmax_floats, "SOFTMAX_OUTPUTS": ops.softmax_outputs}

#: Ops whose derivative for input ``j`` is ``softmax(inputs)[j]`` times an
#: expression of the output: softmax (``{o}·(1 - {o})`` on its own input,
#: ``-{o}·s_j`` on the others) and logsumexp (``s_j``).
_SOFTMAX_FAMILY = ("softmax", "logsumexp")

#: Compiled chunks by source: graphs of one shape (each mini-batch of a training
#: run, say) differ only in their leaves and constants, which the code reads
#: from lists, so they share compiled code.
_code_cache: Dict[str, Any] = {}
_CODE_CACHE_SIZE = 64


class Program:
    """The compiled chunks of one graph and what the tape needs to run them."""

    __slots__ = ("forwards", "backwards", "leaf_positions", "constants")

    def __init__(self, forwards: List[Tuple[Callable[..., Tuple[float, ...]], int, int, int, int]],
                 backwards: List[Tuple[Callable[..., None], int, int]], leaf_positions: List[int],
                 constants: List[float]) -> None:
        self.forwards = forwards
        self.backwards = backwards
        self.leaf_positions = leaf_positions
        self.constants = constants


def _inputs(node: Any) -> Tuple[Any, ...]:
    return node._a if node._b is MANY else node.parents


def generate(order: List[Any], leaves: List[Any]) -> Program:
    """Compile ``order`` (a topological order, root last, in the order the
    backward pass walks it) into a :class:`Program`."""
    env: Dict[str, Any] = dict(INLINE_NAMES)
    op_names: Dict[int, str] = {}

    def op_name(op: ops.Op) -> str:
        name = op_names.get(id(op))
        if name is None:
            name = op_names[id(op)] = str(len(op_names))
            env["f" + name], env["l" + name] = op.forward, op.local
        return name

    index: Dict[int, int] = {id(node): i for i, node in enumerate(order)}
    leaf_index = {id(leaf): j for j, leaf in enumerate(leaves)}
    constants: List[float] = []
    constant_index: Dict[int, int] = {}
    for i, node in enumerate(order):
        if node._a is None and id(node) not in leaf_index:
            constant_index[i] = len(constants)
            constants.append(node.data)
    # Gradients only for nodes that lead to a leaf of ours (constants need none).
    needs = [False] * len(order)
    for i, node in enumerate(order):
        needs[i] = id(node) in leaf_index or (
            node._a is not None and any(needs[index[id(p)]] for p in _inputs(node)))

    # Each softmax's probabilities are computed once, by the forward chunk of its first
    # output, and kept in the list S at the position given here, for later chunks and the
    # backward pass to read.
    saved: Dict[int, int] = {}
    first_saved = [0] * (len(order) // CHUNK + 1)
    position = 0
    for i, node in enumerate(order):
        if i % CHUNK == 0:
            first_saved[i // CHUNK] = position
        if _is_softmax(node) and id(node._a) not in saved:
            saved[id(node._a)] = position
            position += len(node._a)

    started: Set[int] = {len(order) - 1}
    chunks = [(a, min(a + CHUNK, len(order))) for a in range(0, len(order), CHUNK)]
    made: Dict[str, Callable[..., Any]] = {}  # one function per distinct chunk

    def function(source: str) -> Callable[..., Any]:
        found = made.get(source)
        if found is None:
            found = made[source] = _compile(source, env)
        return found

    forwards = []
    leaf_count = constant_count = 0
    for a, b in chunks:
        q = first_saved[a // CHUNK]
        source = _forward_source(order, a, b, index, leaf_index, leaf_count, constant_index, constant_count, op_name,
                                 _Saved(saved, q))
        forwards.append((function(source), a, leaf_count, constant_count, q))
        leaf_count += sum(1 for node in order[a:b] if id(node) in leaf_index)
        constant_count += sum(1 for i in range(a, b) if i in constant_index)
    backwards = [(function(_backward_source(order, a, b, index, needs, started, len(order) - 1, op_name,
                                            _Saved(saved, first_saved[a // CHUNK]))), a, first_saved[a // CHUNK])
                 for a, b in reversed(chunks)]
    leaf_positions = [index[id(leaf)] for leaf in leaves]
    return Program(forwards, backwards, leaf_positions, constants)


def _compile(source: str, env: Dict[str, Any]) -> Callable[..., Any]:
    code = _code_cache.pop(source, None)
    if code is None:
        code = builtins.compile(source, "<tape>", "exec")
    _code_cache[source] = code
    while len(_code_cache) > _CODE_CACHE_SIZE:
        del _code_cache[next(iter(_code_cache))]
    exec(code, env)
    # Taken out of the namespace it runs in: a function there would refer to
    # itself through its globals, a cycle only the garbage collector frees.
    return env.pop("chunk")


def _is_softmax(node: Any) -> bool:
    fn = node._fn
    return fn is not None and fn.name == "softmax" and fn.arity == ops.VARIADIC


class _Saved:
    """Where chunk's softmaxes are kept in the list ``S``: ``S[q+k]`` (``q``: the first
    position saved by this chunk's forward), and which of them this chunk saves."""

    def __init__(self, positions: Dict[int, int], q: int) -> None:
        self.positions, self.q = positions, q

    def at(self, node: Any) -> str:
        k = self.positions[id(node._a)] - self.q
        n = len(node._a)
        return f"S[q{k:+d}:q{k + n:+d}]"

    def saved_here(self, node: Any) -> bool:
        return self.positions[id(node._a)] >= self.q


class _Names:
    """How chunk [a, b) spells the value of node i: a local, or ``V[o-n]`` from an earlier chunk."""

    def __init__(self, a: int) -> None:
        self.a = a

    def value(self, i: int) -> str:
        return f"x{i - self.a}" if i >= self.a else f"V[o-{self.a - i}]"


def _forward_source(order: List[Any], a: int, b: int, index: Dict[int, int], leaf_index: Dict[int, int],
                    first_leaf: int, constant_index: Dict[int, int], first_constant: int,
                    op_name: Callable[[ops.Op], str], saved: _Saved) -> str:
    names = _Names(a)
    lines = ["def chunk(V, L, C, o, l, c, S, q):"]
    groups: Dict[int, str] = {}  # id of a softmax's inputs -> the local holding its probabilities
    for i in range(a, b):
        node = order[i]
        if node._a is None:
            source = (f"C[c+{constant_index[i] - first_constant}]" if i in constant_index
                      else f"L[l+{leaf_index[id(node)] - first_leaf}].data")
        else:
            fn = node._fn
            args = [names.value(index[id(p)]) for p in _inputs(node)]
            inline = INLINE_FORWARD.get(fn.forward)
            if fn is ops.SUM:
                source = " + ".join(args)  # sum(xs, -0.0) adds left to right, as this does
            elif inline is not None:
                source = inline.format(a=args[0], b=args[-1])
            elif fn.name == "softmax" and fn.arity == ops.VARIADIC:
                if id(node._a) not in groups and not saved.saved_here(node):  # computed by an earlier chunk
                    group = groups[id(node._a)] = f"s{len(groups)}"
                    lines.append(f"    {''.join(f'{group}_{j}, ' for j in range(len(args)))}= {saved.at(node)}")
                elif id(node._a) not in groups:
                    group = _softmax_group(lines, groups, node, args, "SOFTMAX_OUTPUTS")
                    lines.append(f"    S += ({''.join(f'{group}_{j}, ' for j in range(len(args)))})")
                group = groups[id(node._a)]
                source = f"{group}_{fn.param}"
            else:
                source = f"f{op_name(fn)}({', '.join(args)})"
        lines.append(f"    x{i - a} = {source}")
    lines.append(f"    return ({''.join(f'x{k}, ' for k in range(b - a))})")
    return "\n".join(lines) + "\n"


def _softmax_group(lines: List[str], groups: Dict[int, str], node: Any, args: List[str], whole: str) -> str:
    """The prefix of the locals ``s<n>_0, s<n>_1, ...`` that hold softmax(node's inputs),
    computed on first use in this chunk: inline, as :func:`~autograd.ops.softmax_floats`
    computes it, when the largest input is finite; else by calling ``whole``
    (``SOFTMAX`` for derivatives, ``SOFTMAX_OUTPUTS`` for the outputs, nan at +inf)."""
    group = groups.get(id(node._a))
    if group is None:
        group = groups[id(node._a)] = f"s{len(groups)}"
        n = len(args)
        names = [f"{group}_{j}" for j in range(n)]
        lines.append(f"    m = {args[0] if n == 1 else 'max(' + ', '.join(args) + ')'}")
        lines.append("    if m - m == 0.0:")  # finite: neither inf nor nan
        lines += [f"        e{j} = EXP({x} - m)" for j, x in enumerate(args)]
        lines.append(f"        t = -0.0 + {' + '.join(f'e{j}' for j in range(n))}")
        lines += [f"        {name} = e{j} / t" for j, name in enumerate(names)]
        lines.append("    else:")
        lines.append(f"        {''.join(name + ', ' for name in names)}= {whole}(({', '.join(args)},))")
    return group


def _backward_source(order: List[Any], a: int, b: int, index: Dict[int, int], needs: List[bool],
                     started: Set[int], root: int, op_name: Callable[[ops.Op], str], saved: _Saved) -> str:
    names = _Names(a)
    lines = ["def chunk(V, G, seed, o, S, q):"]
    if any(needs[a:b]):
        lines.append(f"    ({''.join(f'x{k}, ' for k in range(b - a))}) = V[o:o+{b - a}]")
    for i in range(a, b):
        if i in started and i != root:  # gradient from later chunks
            lines.append(f"    g{i - a} = G[o+{i - a}]")
    if root < b:
        lines.append(f"    g{root - a} = seed")
    groups: Dict[int, str] = {}
    for i in range(b - 1, a - 1, -1):
        node = order[i]
        if node._a is None:
            if i in started:
                lines.append(f"    G[o+{i - a}] = g{i - a}")  # a leaf's gradient, for the tape to hand over
            continue
        if not needs[i]:
            continue
        fn = node._fn
        inputs = [index[id(p)] for p in _inputs(node)]
        args = [names.value(k) for k in inputs]
        out = f"x{i - a}"
        targets = _local_expressions(lines, groups, node, fn, out, args, op_name, saved)
        for target, k in zip(targets, inputs):
            if not needs[k]:
                continue
            contribution = f"g{i - a}" if target == "1.0" else f"{target} * g{i - a}"  # 1.0 * g is g
            if k < a:
                lines.append(f"    G[o-{a - k}] += {contribution}")  # G starts at 0.0: 0.0 + x, as backward()
            elif k in started:
                lines.append(f"    g{k - a} += {contribution}")
            else:  # 0.0 + x, exactly what backward() computes from a zeroed grad
                lines.append(f"    g{k - a} = 0.0 + {contribution}")
            started.add(k)
    if len(lines) == 1:
        lines.append("    pass")
    return "\n".join(lines) + "\n"


def _local_expressions(lines: List[str], groups: Dict[int, str], node: Any, fn: ops.Op, out: str,
                       args: List[str], op_name: Callable[[ops.Op], str], saved: _Saved) -> List[str]:
    """One expression per input for d node / d input, emitting any line it needs first."""
    inline: Optional[Tuple[str, ...]] = None if fn.code is None else tuple(_expanded(e) for e in fn.code)
    if inline is not None and fn.arity == ops.VARIADIC:
        inline = inline * len(args)
    if inline is not None and len(inline) == len(args):
        return [expression.format(o=out, a=args[0], b=args[-1]) for expression in inline]
    if fn.name == "softmax" and fn.arity == ops.VARIADIC:
        # the probabilities its forward pass saved: the outputs' values, which are
        # softmax_floats' but at +inf, where every output, and so every derivative, is nan
        group = groups.get(id(node._a))
        if group is None:
            group = groups[id(node._a)] = f"s{len(groups)}"
            lines.append(f"    {''.join(f'{group}_{j}, ' for j in range(len(args)))}= {saved.at(node)}")
        lines.append(f"    n = -{out}")  # -out * s_j is (-out) * s_j: negated once
        return [f"{out} * (1.0 - {out})" if j == fn.param else f"n * {group}_{j}" for j in range(len(args))]
    if fn.name in _SOFTMAX_FAMILY and fn.arity == ops.VARIADIC:
        group = _softmax_group(lines, groups, node, args, "SOFTMAX")
        if fn.name == "logsumexp":
            return [f"{group}_{j}" for j in range(len(args))]
        return [f"{out} * (1.0 - {out})" if j == fn.param else f"-{out} * {group}_{j}" for j in range(len(args))]
    targets = [f"d{n}" for n in range(len(args))]
    lines.append(f"    {''.join(t + ', ' for t in targets)}= l{op_name(fn)}({out}, {', '.join(args)})")
    return targets
