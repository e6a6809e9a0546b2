"""Safe arithmetic expressions: the grammar of the ``chainrule`` command and of exercises.

An expression is parsed with :mod:`ast` and checked against a whitelist
before anything is computed: numbers, variable names, ``+ - * / **``, unary
minus (and plus), parentheses, and calls of the engine's ops by name. Anything
else (attribute access, subscripts, lambdas, comprehensions, strings, keyword
arguments, ...) is an :class:`ExpressionError` naming the offending part; it
is never evaluated. The tree is then walked, without ``eval``, into a graph of
:class:`~autograd.Value` objects.

This module lives in ``autograd`` (standard library only) so that exercises
and the browser playground can parse expressions too; ``viz.expr`` re-exports
it for the command line.
"""

from __future__ import annotations

import ast
import math
import operator
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from . import ops
from .value import Value

__all__ = ["ExpressionError", "FUNCTIONS", "check_expression", "evaluate", "MAX_LENGTH"]

#: The functions an expression may call: the ops of :mod:`autograd.ops` called by name.
FUNCTIONS = tuple(ops.functions())

#: Longer expressions are refused (a picture of them would be unreadable anyway).
MAX_LENGTH = 10_000

# Python's operator syntax, by the symbols of the op table's infix rows.
_SYNTAX = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_BINARY = {syntax: op for syntax, symbol in _SYNTAX.items()
           for op in ops.OPS.values() if op.symbol == symbol and not op.is_function}
_NEGATE: ops.Op = ops.OPS["neg"]
_OTHER_BINARY = {ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
                 ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&"}
_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Call, ast.Load,
            ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd)
_WHAT = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "lambda",
    ast.ListComp: "a comprehension", ast.SetComp: "a comprehension", ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression", ast.Compare: "a comparison", ast.BoolOp: "and/or",
    ast.IfExp: "a conditional expression", ast.NamedExpr: "the := operator", ast.JoinedStr: "an f-string",
    ast.List: "a list", ast.Tuple: "a tuple", ast.Dict: "a dict", ast.Set: "a set", ast.Starred: "unpacking (*)",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "a slice",
}

Number = Union[float, Value]


class ExpressionError(ValueError):
    """An expression that is not allowed, does not parse, or cannot be computed."""


def _allowed_text() -> str:
    return ("an expression may use numbers, variable names, + - * / **, unary minus, parentheses and the "
            f"functions {', '.join(FUNCTIONS)}")


def _segment(text: str, node: ast.AST) -> str:
    seg = ast.get_source_segment(text, node) or ""
    return seg if len(seg) <= 60 else seg[:57] + "..."


def _refuse(text: str, node: ast.AST, what: str) -> ExpressionError:
    seg = _segment(text, node)
    where = f" ({seg!r})" if seg else ""
    return ExpressionError(f"{what}{where} is not allowed: {_allowed_text()}")


def check_expression(text: str, names: Optional[Mapping[str, object]] = None, *,
                     option: str = "") -> ast.Expression:
    """Parse ``text`` and check every node against the whitelist; nothing is evaluated.

    With ``names``, every variable must be one of them; ``option`` is how a
    user gives a value (the command line says ``"--at"``), for the message.

    >>> check_expression("tanh(x*w + b)")  # doctest: +ELLIPSIS
    <ast.Expression object at ...>
    >>> check_expression("__import__('os').system('id')")
    Traceback (most recent call last):
    ...
    autograd.expr.ExpressionError: attribute access ("__import__('os').system") is not allowed: ...
    >>> check_expression("x + y", names={"x": 1.0})
    Traceback (most recent call last):
    ...
    autograd.expr.ExpressionError: unknown name 'y': give its value as y=... (given: x)
    """
    if not isinstance(text, str):
        raise TypeError(f"an expression must be a str, got {type(text).__name__}")
    if not text.strip():
        raise ExpressionError("the expression is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        col = f" at column {e.offset}" if e.offset else ""
        raise ExpressionError(f"cannot parse the expression{col}: {e.msg}") from None
    except (ValueError, RecursionError, MemoryError) as e:
        raise ExpressionError(f"cannot parse the expression: {e or type(e).__name__}") from None
    text = text.strip()
    unknown: List[str] = []
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for node in ast.walk(tree):  # breadth first: the outermost offence is reported
        if not isinstance(node, _ALLOWED):  # (BinOp and UnaryOp are allowed: their operators are checked next)
            raise _refuse(text, node, _WHAT.get(type(node)) or type(node).__name__)
        if isinstance(node, ast.BinOp) and type(node.op) not in _BINARY:
            raise _refuse(text, node, f"the {_OTHER_BINARY.get(type(node.op), type(node.op).__name__)} operator")
        if isinstance(node, ast.UnaryOp) and not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise _refuse(text, node, "the not operator" if isinstance(node.op, ast.Not) else "the ~ operator")
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                kind = {str: "a string", bytes: "bytes", complex: "a complex number", bool: "True/False"}
                raise _refuse(text, node, kind.get(type(value), type(value).__name__))
            if isinstance(value, int) and value.bit_length() > 1024 or isinstance(value, float) and math.isinf(value):
                raise ExpressionError(f"the number {_segment(text, node)} is too large for a float")
        elif isinstance(node, ast.Call):
            _check_call(text, node)
        elif (isinstance(node, ast.Name) and names is not None and node.id not in names
              and node.id not in unknown and id(node) not in called):
            unknown.append(node.id)
    if unknown:
        given = ", ".join(names or ()) or "none"
        hint = " ".join(f"{n}=..." for n in unknown)
        plural = "s" if len(unknown) > 1 else ""
        functions = [n for n in unknown if n in FUNCTIONS]
        extra = f" ({', '.join(functions)} is a function: call it, as in {functions[0]}(x))" if functions else ""
        raise ExpressionError(
            f"unknown name{plural} {', '.join(repr(n) for n in unknown)}: "
            f"give {'their values' if plural else 'its value'} {'with ' + option if option else 'as'} {hint} "
            f"(given: {given}){extra}"
        )
    assert isinstance(tree, ast.Expression)
    return tree


def _check_call(text: str, node: ast.Call) -> None:
    func = node.func
    if not isinstance(func, ast.Name):
        if isinstance(func, ast.Attribute):
            raise _refuse(text, func, "attribute access")
        raise _refuse(text, node, "calling the result of an expression")
    if func.id not in FUNCTIONS:
        raise ExpressionError(f"{func.id}() is not an allowed function; the functions are {', '.join(FUNCTIONS)}")
    if node.keywords:
        raise ExpressionError(f"{func.id}() takes no keyword arguments ({_segment(text, node)!r})")
    n = len(node.args)
    row = ops.functions()[func.id]
    if isinstance(row, ops.Family):  # an op with a number in it: f(x) or f(x, number)
        if n not in (1, 2) if row.default is not None else n != 2:
            counts = "1 or 2 arguments" if row.default is not None else "2 arguments"
            raise ExpressionError(f"{func.id}() takes {counts} (x, {row.param}), got {n}")
        number = _number(node.args[1]) if n == 2 else 0.0
        if number is None:
            raise ExpressionError(f"the {row.param} of {func.id}() must be a number, "
                                  f"got {_segment(text, node.args[1])!r}")
        if not math.isfinite(number):
            raise ExpressionError(f"the {row.param} of {func.id}() {_segment(text, node.args[1])} "
                                  "is too large for a float")
    elif row.arity == ops.VARIADIC:
        if n < 1:
            raise ExpressionError(f"{func.id}() takes at least 1 argument, got {n}")
    elif n != row.arity:
        raise ExpressionError(f"{func.id}() takes {row.arity} argument{'s' if row.arity != 1 else ''}, got {n}")


def _number(node: ast.AST) -> Optional[float]:
    """The value of a literal number, possibly signed; None for anything else."""
    sign = 1.0
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -sign if isinstance(node.op, ast.USub) else sign
        node = node.operand
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        try:
            return sign * float(node.value)
        except OverflowError:  # an integer literal past the largest float
            return sign * math.inf
    return None


def evaluate(text: str, values: Mapping[str, float], label_width: int = 24, *, share: bool = False,
             option: str = "") -> Tuple[Value, Dict[str, Value]]:
    """Check ``text``, then compute it as a graph of Values at ``values``.

    Returns the result and the leaf Value made for each variable (labelled by
    its name). Numbers are folded together where no variable is involved;
    a number next to a variable becomes a constant of the graph. Each
    intermediate Value is labelled with its source text (``x*w``) when that is
    at most ``label_width`` characters (0: no labels); the result is left unlabelled. Overflow and
    domain errors (``log`` of a negative, ``9**9**9``, ...) are an
    :class:`ExpressionError`. With ``share=True`` a subexpression written more
    than once is computed once: one node used twice, as it would be drawn by hand.
    ``option`` is passed to :func:`check_expression`.

    >>> out, leaves = evaluate("tanh(x*w + b)", {"x": 2.0, "w": -3.0, "b": 6.88})
    >>> round(out.data, 4), [p.label for p in out.parents]
    (0.7064, ['x*w + b'])
    >>> out, _ = evaluate("x*y + (x*y)**2", {"x": 1.0, "y": 2.0}, share=True)
    >>> out.parents[0] is out.parents[1].parents[0]
    True
    >>> evaluate("9**9**9", {})
    Traceback (most recent call last):
    ...
    autograd.expr.ExpressionError: 9**9**9 cannot be computed: pow(): 9.0 ** 387420489.0 is too large for a float
    """
    tree = check_expression(text, values, option=option)
    text = text.strip()
    leaves = {name: Value(float(v), label=name) for name, v in values.items()}
    # Post-order walk with an explicit stack: deep nesting cannot overflow Python's stack.
    results: Dict[int, Number] = {}
    # With share=True: each subexpression gets a number that identifies it (the same op on
    # the same inputs, so the same number for the same text), and its result is kept by it.
    ids: Dict[int, int] = {}
    seen: Dict[Tuple[object, ...], int] = {}
    shared: Dict[int, Number] = {}
    stack: List[Tuple[ast.AST, bool]] = [(tree.body, False)]
    while stack:
        node, ready = stack.pop()
        if not ready:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(_children(node)))
            continue
        if share:
            key = _key(node, ids)
            ids[id(node)] = seen.setdefault(key, len(seen))
            if ids[id(node)] in shared:  # written before, so already computed: reuse it
                results[id(node)] = shared[ids[id(node)]]
                continue
        try:
            result = _apply(node, results, leaves)
        except (ArithmeticError, ValueError) as e:
            raise ExpressionError(f"{_segment(text, node)} cannot be computed: {e}") from None
        data = result.data if isinstance(result, Value) else result
        if not math.isfinite(data):
            raise ExpressionError(f"{_segment(text, node)} overflows: its value is {data!r}")
        if (label_width > 0 and isinstance(result, Value) and not result.is_leaf and node is not tree.body
                and not result.label):
            seg = ast.get_source_segment(text, node) or ""
            if 0 < len(seg) <= label_width:
                result.label = " ".join(seg.split())
        results[id(node)] = result
        if share:
            shared[ids[id(node)]] = result
    out = results[id(tree.body)]
    return (out if isinstance(out, Value) else Value(out)), leaves


def _key(node: ast.AST, ids: Dict[int, int]) -> Tuple[object, ...]:
    """What identifies ``node``'s result: its kind, op and its inputs' identifying numbers."""
    if isinstance(node, ast.Constant):
        return ("number", repr(node.value))
    if isinstance(node, ast.Name):
        return ("name", node.id)
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        return ("call", node.func.id, *(ids[id(a)] if i == 0 else ast.dump(a) for i, a in enumerate(node.args)))
    op = getattr(node, "op", None)
    return (type(node).__name__, type(op).__name__, *(ids[id(c)] for c in _children(node)))


def _children(node: ast.AST) -> List[ast.AST]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        row = ops.functions()[node.func.id]
        return list(node.args[:1] if isinstance(row, ops.Family) else node.args)
    return []


def _apply(node: ast.AST, results: Dict[int, Number], leaves: Dict[str, Value]) -> Number:
    """One node of a checked tree, its children already in ``results``: every op through the
    ``Value`` method its row names. Numbers alone are folded into a number by the same rule."""
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, (int, float))
        return float(node.value)
    if isinstance(node, ast.Name):
        return leaves[node.id]
    args: List[Any] = [results[id(child)] for child in _children(node)]
    folded = not any(isinstance(a, Value) for a in args)
    if folded:
        args[0] = Value(args[0])  # fold numbers with the engine's own rule and domain checks
    if isinstance(node, ast.UnaryOp):
        out = args[0] if isinstance(node.op, ast.UAdd) else getattr(operator, _NEGATE.method)(args[0])
    elif isinstance(node, ast.BinOp):
        out = getattr(operator, _BINARY[type(node.op)].method)(*args)
    else:
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        row = ops.functions()[node.func.id]
        if isinstance(row, ops.Family):
            args.append(_number(node.args[1]) if len(node.args) > 1 else row.default)
        first = args[0] if isinstance(args[0], Value) else Value(args[0])
        out = getattr(first, row.method)(*args[1:])
    assert isinstance(out, Value)
    return out.data if folded else out
