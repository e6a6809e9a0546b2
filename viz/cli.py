"""The ``chainrule`` command: graphs and backprop step-throughs of an
expression, and demos that train small networks and draw them.

::

    chainrule graph "tanh(x*w + b)" --at x=2 w=-3 b=6.88 -o neuron.svg
    chainrule steps "tanh(x*w + b)" --at x=2 w=-3 b=6.88 -o steps.html
    chainrule steps "tanh(x*w + b)" --at x=2 w=-3 b=6.88 --mode forward --wrt x
    chainrule demo xor --out out/
    chainrule worksheet --students 30 --seed 1 --level 2 --out sheets/
    chainrule grade sheets/answers.json responses.csv

Exit status: 0 on success, 2 for a bad command line or an expression that is
refused or cannot be computed, 1 when a file cannot be written or Graphviz is
missing or fails (``grade``: 1 when a file cannot be read or a row of the
responses is malformed; every other row is still graded). ``--json`` writes strict JSON: a gradient that is not finite
is the string ``"inf"``, ``"-inf"`` or ``"nan"``.
"""

from __future__ import annotations

import argparse
import json
import math
import pathlib
import sys
from typing import Dict, List, Optional, Sequence, Tuple

from autograd import Value

from ._render import GraphvizError, GraphvizNotFound, fmt
from .expr import FUNCTIONS, ExpressionError, evaluate, parse_pairs

__all__ = ["main", "parse_assignments"]

DEMOS = ("xor", "moons", "xor-by-hand", "house-prices", "all")


class UsageError(Exception):
    """A command line that cannot be run (exit status 2)."""


def parse_assignments(items: Sequence[str]) -> Dict[str, float]:
    """``["x=2", "w=-3"]`` as ``{"x": 2.0, "w": -3.0}``.

    >>> parse_assignments(["x=2", "w=-3", "b=6.88"])
    {'x': 2.0, 'w': -3.0, 'b': 6.88}
    >>> parse_assignments(["x"])
    Traceback (most recent call last):
    ...
    viz.cli.UsageError: --at needs name=value pairs such as x=2, got 'x'
    """
    messages = {
        "pair": "--at needs name=value pairs such as x=2, got {raw!r}",
        "name": "--at: {name!r} is not a valid variable name",
        "function": "--at: {name!r} is a function name; choose another variable name",
        "twice": "--at: {name} is given twice",
        "number": "--at: the value of {name} must be a number, got {raw!r}",
        "finite": "--at: the value of {name} must be finite, got {raw!r}",
    }
    return parse_pairs(" ".join(items), lambda problem, name, raw: UsageError(messages[problem].format(
        name=name, raw=raw)), unique=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chainrule",
        description="See the chain rule at work: computation graphs, backprop step by step, small networks.",
        epilog="Expressions may use numbers, variables, + - * / **, unary minus and the functions "
               f"{', '.join(FUNCTIONS)}. Quote them for the shell; begin with a space or use -- if one "
               "starts with a minus sign.",
    )
    sub = parser.add_subparsers(dest="command", metavar="{graph,steps,demo,serve,worksheet,grade}")

    def expression_command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("expression", help='for example "tanh(x*w + b)"')
        p.add_argument("--at", nargs="+", action="extend", default=[], metavar="NAME=VALUE",
                       help="the value of every variable, e.g. --at x=2 w=-3 b=6.88 (may be repeated)")
        p.add_argument("--params", nargs="+", action="extend", default=None, metavar="NAME",
                       help="the variables that are parameters (drawn apart from inputs)")
        p.add_argument("--rankdir", choices=("LR", "TB", "RL", "BT"), default="LR", help="layout direction")
        p.add_argument("--max-nodes", type=int, default=500, help="refuse graphs with more Values (default 500)")
        p.add_argument("--digits", type=int, default=6, help="significant digits printed (default 6)")
        return p

    g = expression_command("graph", "Print an expression's value and gradients, and draw its computation graph.")
    g.add_argument("-o", "--output", help="write the graph here: .svg, .png, .pdf (rendered by dot) or .dot/.gv")
    g.add_argument("--color-by", choices=("grad", "data"), default=None, help="shade the boxes by sign and size")
    g.add_argument("--json", action="store_true", help="print the value and gradients as JSON")
    s = expression_command("steps", "Write a page that steps through backprop of an expression, edge by edge "
                                    "(or through forward mode from one input, with --mode forward --wrt x).")
    s.add_argument("-o", "--output", default=None,
                   help="the HTML file to write (default steps.html, or none when --slides is given)")
    s.add_argument("--slides", default=None, metavar="DIR",
                   help="also write one PNG per step (step-01.png, ...) and a printable handout.html into DIR")
    s.add_argument("--dpi", type=int, default=200, help="resolution of the slides (default 200, for a projector)")
    s.add_argument("--level", choices=("auto", "edge", "neuron"), default="auto",
                   help="one step per edge, or per neuron (a labelled unit: its δ and its inputs' gradients); "
                        "auto (default) groups by neuron past 50 edges")
    s.add_argument("--mode", choices=("reverse", "forward", "both"), default="reverse",
                   help="the order of the chain rule: reverse (backprop, the default), forward (forward mode from "
                        "the inputs named by --wrt), or both (one page with a switch between them)")
    s.add_argument("--wrt", nargs="+", action="extend", default=None, metavar="NAME",
                   help="the input(s) forward mode follows (needed with --mode forward; with --mode both, "
                        "default every input)")
    s.add_argument("--title", default=None, help="the page title")
    # --digits also sets the page's and the slides' numbers when given; without it the text
    # prints 6 significant digits and the page its readable 4 (full precision on hover)
    s.set_defaults(digits=None)
    s.add_argument("--quiet", action="store_true", help="do not print the steps")
    d = sub.add_parser("demo", help="Train a small network and draw it all.",
                       description="Train a network with a progress bar and write the graph, the network, the loss "
                                   "curve, the decision boundary (classification) and the step-through page.")
    d.add_argument("name", choices=DEMOS, help="which demo (all runs every one)")
    d.add_argument("--out", default="out", help="directory to write into (default out/)")
    d.add_argument("--epochs", type=int, default=None, help="override the number of training epochs")
    d.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    d.add_argument("--no-progress", action="store_true", help="no progress bar")
    v = sub.add_parser("serve", help="Open the playground (chainrule running in the browser) on localhost.",
                       description="Serve the playground that `make playground` built on http://127.0.0.1:PORT/ "
                                   "and open it in a browser. Ctrl+C stops it.")
    v.add_argument("--port", type=int, default=8000, help="the port (default 8000; 0 picks a free one)")
    v.add_argument("--no-browser", action="store_true", help="do not open a browser")
    v.add_argument("--dir", default=None, help="the site's folder (default: build/playground in the checkout)")
    w = sub.add_parser("worksheet", help="Write one chain-rule worksheet per student, and the answers.",
                       description="Write a printable page per student (a small graph with empty grad boxes and "
                                   "the task in words) and DIR/answers.json. The same student number, seed and "
                                   "level always give the same sheet.")
    w.add_argument("--students", type=int, required=True, metavar="N", help="how many sheets (students 1..N)")
    w.add_argument("--seed", type=int, default=0, metavar="S", help="which set of sheets (default 0)")
    w.add_argument("--level", type=int, choices=(1, 2, 3), default=1,
                   help="1: + - *; 2: also tanh, exp, sigmoid, relu, **; 3: also a node used twice, /, log")
    w.add_argument("--out", required=True, metavar="DIR", help="directory to write into")
    r = sub.add_parser("grade", help="Mark the students' answers to a set of worksheets.",
                       description="Print one CSV row per student (student, score, wrong answers with the "
                                   "misconception each one shows). A malformed row is reported by line number "
                                   "on stderr and skipped; every student is still graded.")
    r.add_argument("answers", help="the answers.json that chainrule worksheet wrote")
    r.add_argument("responses", help="a CSV file with the columns student,name,value")
    return parser


def _compute(args: argparse.Namespace) -> Tuple[Value, Dict[str, Value], List[Value]]:
    values = parse_assignments(args.at)
    if args.max_nodes < 1:
        raise UsageError(f"--max-nodes must be at least 1, got {args.max_nodes}")
    if not 1 <= args.digits <= 17:
        raise UsageError(f"--digits must be between 1 and 17, got {args.digits}")
    # Inner nodes stay unlabelled: every view names them by their expression (x·w + b), as in Python.
    out, leaves = evaluate(args.expression, values, label_width=0)
    params: List[Value] = []
    for name in args.params or []:
        if name not in leaves:
            given = ", ".join(leaves) or "none"
            raise UsageError(f"--params: {name} is not a variable given with --at (given: {given})")
        params.append(leaves[name])
    out.backward()
    return out, leaves, params


def _report(args: argparse.Namespace, out: Value, leaves: Dict[str, Value]) -> None:
    if getattr(args, "json", False):
        print(json.dumps({"expression": args.expression, "value": _json_number(out.data),
                          "gradients": {name: _json_number(v.grad) for name, v in leaves.items()}},
                         allow_nan=False))
        return
    d = args.digits
    at = ", ".join(f"{name} = {fmt(v.data, d)}" for name, v in leaves.items())
    print(f"L = {args.expression.strip()} = {fmt(out.data, d)}" + (f"   at {at}" if at else ""))
    for name, v in leaves.items():
        note = "" if math.isfinite(v.grad) else "   (not finite: the derivative does not exist here)"
        print(f"dL/d{name} = {fmt(v.grad, d)}{note}")


def _json_number(x: float) -> object:
    """``x``, or for inf, -inf and nan (which JSON cannot hold) the strings
    ``"inf"``, ``"-inf"``, ``"nan"``, which ``float()`` reads back."""
    return x if math.isfinite(x) else repr(x)


def _graph(args: argparse.Namespace) -> int:
    from .graph import draw_graph

    out, leaves, params = _compute(args)
    graph = draw_graph(out, rankdir=args.rankdir, max_nodes=args.max_nodes, color_by=args.color_by,
                       params=params if args.params else None)
    _report(args, out, leaves)
    if args.output:
        path = pathlib.Path(args.output)
        suffix = path.suffix.lower().lstrip(".")
        if suffix in ("dot", "gv"):
            path.write_text(graph.source, encoding="utf-8")
        else:
            fmt_ = suffix if suffix in ("svg", "png", "pdf", "jpg", "jpeg") else "svg"
            path.write_bytes(graph.pipe(format=fmt_))
        if not args.json:
            print(f"wrote {path}")
    return 0


def _steps(args: argparse.Namespace) -> int:
    from .html import save_backprop_html

    if not 72 <= args.dpi <= 600:
        raise UsageError(f"--dpi must be between 72 and 600, got {args.dpi}")
    if args.mode == "forward" and not args.wrt:
        raise UsageError("--mode forward needs --wrt NAME, the input forward mode follows")
    if args.mode == "reverse" and args.wrt:
        raise UsageError("--wrt is for --mode forward or both (backprop finds every input's gradient in one walk)")
    if args.mode != "reverse" and args.slides is not None:
        raise UsageError("--slides draws backprop's steps only; use --mode reverse with --slides, or write the "
                         "page with --mode " + args.mode)
    if args.mode == "forward" and args.level == "neuron":
        raise UsageError("--level neuron groups backprop's steps by unit; forward mode goes one edge at a time")
    shown = {} if args.digits is None else {"digits": args.digits}  # the page and slides follow --digits
    if args.digits is None:
        args.digits = 6
    out, leaves, params = _compute(args)
    wrt: List[Value] = []
    for name in args.wrt or []:
        if name not in leaves:
            given = ", ".join(leaves) or "none"
            raise UsageError(f"--wrt: {name} is not a variable given with --at (given: {given})")
        if leaves[name] not in wrt:
            wrt.append(leaves[name])
    output = args.output if args.output is not None or args.slides is not None else "steps.html"
    path = None
    if output is not None:
        path = save_backprop_html(out, output, title=args.title, rankdir=args.rankdir,
                                  params=params if args.params else None, max_nodes=args.max_nodes,
                                  level=args.level, mode=args.mode, wrt=wrt or None, **shown)
    slides = None
    if args.slides is not None:
        from .slides import save_slides

        slides = save_slides(out, args.slides, dpi=args.dpi, title=args.title, rankdir=args.rankdir,
                             params=params if args.params else None, max_nodes=args.max_nodes, level=args.level,
                             **shown)
    _report(args, out, leaves)
    if not args.quiet:
        if args.mode != "forward":
            _print_reverse(out, args.level, args.digits)
        for x in (wrt or [v for v in leaves.values() if not v.is_constant]) if args.mode != "reverse" else []:
            _print_forward(out, x, args.digits)
    if path is not None:
        print(f"wrote {path} (open it in a browser; Next/Prev or the arrow keys step through)")
    if slides is not None:
        print(f"wrote {len(slides.pngs)} slides ({args.dpi} dpi) and {slides.handout} into {args.slides}")
    return 0


def _print_reverse(out: Value, level: str, digits: int) -> None:
    from .steps import Step, backprop_steps

    steps = backprop_steps(out, level=level)
    what = "one neuron" if steps and not isinstance(steps[0], Step) else "one edge"
    print(f"\nbackprop, {what} at a time ({len(steps)} step{'' if len(steps) == 1 else 's'}):")
    for s in steps:
        lines = s.equation(digits=digits).splitlines()
        print(f"{s.index + 1:>4}. {lines[0]}")
        for line in lines[1:]:
            print(f"      {line}")


def _print_forward(out: Value, x: Value, digits: int) -> None:
    from autograd.forward_steps import forward_steps_data

    data = forward_steps_data(out, x, digits)
    steps = data["steps"]
    print(f"\nforward mode from {data['wrt']}, one edge at a time ({len(steps)} step{'' if len(steps) == 1 else 's'}; "
          f"inputs' tangents: {data['wrt']} 1, every other 0):")
    for k, s in enumerate(steps):
        print(f"{k + 1:>4}. {s['equation']}")
    print(f"      {data['end']}")


def _demo(args: argparse.Namespace) -> int:
    from .demo import run_demos

    if args.epochs is not None and args.epochs < 1:
        raise UsageError(f"--epochs must be at least 1, got {args.epochs}")
    run_demos(args.name, args.out, epochs=args.epochs, seed=args.seed, progress=not args.no_progress)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .serve import PlaygroundNotBuilt, serve

    try:
        serve(args.dir, port=args.port, open_browser=not args.no_browser)
    except PlaygroundNotBuilt as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:  # the port is taken, or not ours to use
        print(f"chainrule serve: error: cannot listen on port {args.port}: {e.strerror or e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl+C is how a server stops
        return 0
    return 0


def _worksheet(args: argparse.Namespace) -> int:
    from .worksheet import write_worksheets

    if args.students < 1:
        raise UsageError(f"--students must be at least 1, got {args.students}")
    out = write_worksheets(args.students, seed=args.seed, level=args.level, out=args.out)
    print(f"wrote {args.students} worksheet{'s' if args.students > 1 else ''} and answers.json to {out}")
    return 0


def _grade(args: argparse.Namespace) -> int:
    import csv

    from .worksheet import grade, grades_csv

    try:
        grades, problems = grade(args.answers, args.responses)
    except OSError as e:
        print(f"chainrule grade: error: cannot read {e.filename or 'a file'}: {e.strerror or e}", file=sys.stderr)
        return 1
    csv.writer(sys.stdout, lineterminator="\n").writerows(grades_csv(grades))
    for problem in problems:
        print(f"chainrule grade: {args.responses}, {problem}", file=sys.stderr)
    return 1 if problems else 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the ``chainrule`` command with ``argv`` (default ``sys.argv[1:]``);
    return the exit status.

    >>> main(["graph", "x*y + 1", "--at", "x=2", "y=3"])
    L = x*y + 1 = 7   at x = 2, y = 3
    dL/dx = 3
    dL/dy = 2
    0
    >>> main(["graph", "x.__class__", "--at", "x=2"])
    2
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits 2 on a bad command line, 0 after --help
        return int(e.code or 0) if not isinstance(e.code, str) else 2
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    run = {"graph": _graph, "steps": _steps, "demo": _demo, "serve": _serve, "worksheet": _worksheet,
           "grade": _grade}[args.command]
    try:
        return run(args)
    except (UsageError, ExpressionError) as e:
        print(f"chainrule {args.command}: error: {e}", file=sys.stderr)
        return 2
    except ValueError as e:  # too many nodes, and other bad values
        print(f"chainrule {args.command}: error: {e}", file=sys.stderr)
        return 2
    except GraphvizNotFound as e:
        tip = "\nchainrule graph can still write the DOT source: -o graph.dot" if args.command == "graph" else ""
        print(f"chainrule {args.command}: error: {e}{tip}", file=sys.stderr)
        return 1
    except GraphvizError as e:
        print(f"chainrule {args.command}: error: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"chainrule {args.command}: error: cannot write {e.filename or 'the output'}: {e.strerror or e}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"chainrule {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
