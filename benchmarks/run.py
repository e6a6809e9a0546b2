"""``make bench``: chainrule against micrograd and PyTorch, measured side by side.

Every system runs in this one process, interleaved round by round, and each
figure is a median. Each timed run pays for its own garbage collection (the
collector is on, as users run it) and a ``gc.collect()`` outside the timer
between runs keeps one system from paying for another's garbage. micrograd is
also timed with its collector off, so a gain is never just the collector's.

Prints one table and writes it, with the machine and versions, to
benchmarks/results.md. These are measurements, not tests. PyTorch runs on
one thread: its tensors here are 100 rows at most, which threads cannot
speed up, and on a shared machine its idle threads spin.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
import tracemalloc
from typing import Any, Callable, Dict, List, Optional, Tuple

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import workloads  # noqa: E402

Row = Tuple[str, str, Optional[float], str]  # workload, system, median seconds (or bytes), note


def timed(fn: Callable[[], Any], collector: bool = True) -> Tuple[float, Any]:
    gc.collect()
    if not collector:
        gc.disable()
    try:
        start = time.perf_counter()
        result = fn()
        return time.perf_counter() - start, result
    finally:
        gc.enable()


def demo_steps(rounds: int) -> Tuple[Dict[str, List[float]], Dict[str, List[float]], Dict[str, float]]:
    """Time the demo step for each system, round-robin; record every loss."""
    setup: Dict[str, float] = {}
    steppers: Dict[str, Tuple[Callable[[int], float], bool]] = {}
    for name, make, collector in [
        ("micrograd", workloads.micrograd_stepper, True),
        ("micrograd, collector off", workloads.micrograd_stepper, False),
        ("chainrule plain", workloads.plain_stepper, True),
        ("chainrule tape", workloads.tape_stepper, True),
        ("chainrule batched", workloads.batched_stepper, True),
        ("torch tensors", workloads.torch_tensor_stepper, True),
        ("torch 0-d tensor per scalar", workloads.torch_scalar_stepper, True),
    ]:
        seconds, stepper = timed(make)
        setup[name] = seconds
        steppers[name] = (stepper, collector)
    times: Dict[str, List[float]] = {name: [] for name in steppers}
    losses: Dict[str, List[float]] = {name: [] for name in steppers}
    for k in range(rounds):
        for name, (step, collector) in steppers.items():
            seconds, loss = timed(lambda step=step, k=k: step(k), collector)
            times[name].append(seconds)
            losses[name].append(loss)
    return times, losses, setup


def count_nodes(root: Any) -> int:
    seen, stack = {id(root)}, [root]
    while stack:
        for p in stack.pop()._prev:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return len(seen)


def bytes_per_node(build: Callable[[], Any]) -> Tuple[float, int]:
    gc.collect()
    tracemalloc.start()
    root = build()
    used = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    nodes = count_nodes(root)
    del root
    return used / nodes, nodes


def bytes_per_op_node(build: Callable[[], Any]) -> Tuple[float, float, int]:
    """chainrule's memory as users get it: bytes per op node for the graph as built (a number in
    an expression still a plain float), and again once something has read ``parents`` (pictures,
    explain, create_graph and anomaly mode do), which turns each such number into a constant
    Value for good, and each neuron's products into mul nodes. Both are divided by the op nodes of
    the graph once read (the graph every picture shows)."""
    from autograd.engine import graph_order, topological_order

    gc.collect()
    tracemalloc.start()
    root = build()
    built = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    gc.collect()
    tracemalloc.start()
    topological_order(root)  # reads every node's parents: the constants and products are made now
    grown = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    ops = sum(1 for v in graph_order(root) if v._fn is not None and not v.is_constant)
    del root
    return built / ops, (built + grown) / ops, ops


def memory() -> List[Row]:
    from micrograd.engine import Value as MicroValue

    from autograd import Value

    rows: List[Row] = []
    for workload, build_for in [
        ("memory: 100k-op chain", lambda V: lambda: workloads.chain(V, 100_000)[1]),
        ("memory: demo graph", lambda V: lambda: demo_graph(V)),
    ]:
        micro, n_micro = bytes_per_node(build_for(MicroValue))
        ours, n_ours = bytes_per_node(build_for(Value))
        rows.append((workload, "micrograd", micro, f"bytes/node over {n_micro:,} nodes"))
        rows.append((workload, "chainrule", ours, f"bytes/node as built, over the {n_ours:,} nodes of the graph "
                     f"once read; {ours / micro:.2f}x micrograd"))
        as_built, read, ops = bytes_per_op_node(build_for(Value))
        rows.append((workload, "chainrule, per op node", as_built,
                     f"bytes/op node as built (numbers still floats, a neuron's products not made), "
                     f"over the {ops:,} op nodes of the graph once read"))
        rows.append((workload, "chainrule, parents read", read,
                     "bytes/op node once parents is read (pictures, explain, create_graph, anomaly): "
                     "numbers made constants, products mul nodes"))
    return rows


def demo_graph(Value: Any) -> Any:
    model = workloads.micrograd_model() if Value.__module__.startswith("micrograd") else workloads.chainrule_model()
    X, y = workloads.moons()
    inputs = [list(map(Value, row)) for row in X]
    losses = [(1 + -yi * model(x)).relu() for yi, x in zip(y, inputs)]
    return sum(losses) * (1.0 / len(losses)) + workloads.ALPHA * sum(p * p for p in model.parameters())


def scale(nodes_wanted: List[int], repeats: int) -> List[Row]:
    """Build + backward of chains of 10k to 1M nodes, two shapes, for both engines.

    micrograd recurses once per node, so its recursion limit is raised to let it
    survive; chainrule needs no such thing. Per-node times are reported with the
    collector on (as users run it) and, for chainrule, off too: CPython's full
    collections rescan the whole live graph as it grows, which is what makes
    per-node time climb with size for any engine whose nodes are Python objects.
    """
    from micrograd.engine import Value as MicroValue

    from autograd import Value

    def build_and_backward(V: Any, shape: Callable[..., Any], ops: int) -> Callable[[], None]:
        def run() -> None:
            x, y = shape(V, ops)
            y.backward()

        return run

    rows: List[Row] = []
    limit = sys.getrecursionlimit()
    for shape_name, shape, nodes_per_op in [("numbers in every op", workloads.chain, 2),
                                            ("Value leaves in every op", workloads.leaf_chain, 1)]:
        per_node: Dict[str, Dict[int, float]] = {"on": {}, "off": {}}
        for wanted in nodes_wanted:
            ops = wanted // nodes_per_op
            nodes = ops * nodes_per_op + (1 if nodes_per_op == 2 else 3)
            runs = repeats if wanted < 1_000_000 else 1
            ours = statistics.median(timed(build_and_backward(Value, shape, ops))[0] for _ in range(runs))
            ours_off = statistics.median(timed(build_and_backward(Value, shape, ops), collector=False)[0]
                                         for _ in range(runs))
            per_node["on"][nodes], per_node["off"][nodes] = ours / nodes, ours_off / nodes
            sys.setrecursionlimit(max(limit, 2 * nodes + 1000))
            try:
                micro = statistics.median(timed(build_and_backward(MicroValue, shape, ops))[0] for _ in range(runs))
            finally:
                sys.setrecursionlimit(limit)
            label = f"scale ({shape_name}): build+backward, {nodes:,} nodes"
            rows.append((label, "micrograd", micro, f"recursion limit raised; {1e9 * micro / nodes:.0f} ns/node"))
            rows.append((label, "chainrule plain", ours,
                         f"{1e9 * ours / nodes:.0f} ns/node; collector off {1e9 * ours_off / nodes:.0f} ns/node"))
        spread = {k: max(v.values()) / min(v.values()) for k, v in per_node.items()}
        rows.append((f"scale ({shape_name}): time per node", "chainrule plain", None,
                     f"largest/smallest over sizes: {spread['on']:.2f}x with the collector on, "
                     f"{spread['off']:.2f}x with it off"))
    return rows


def scalar_workload(rounds: int, n_ops: int) -> List[Row]:
    """The workload of "Fastest Autograd in the West": our naive tape and flat
    interpreter against chainrule's plain engine and compiled tape, round-robin.
    A check at 200 ops (where the gradients have not yet underflowed to 0)
    makes sure all of them compute the same gradients.

    Two bounds are timed in the same rounds: the *ceiling*, this workload as
    hand-specialised straight-line Python (every value a local, every rule inlined;
    once with softmax's backward fused into 2n terms, once in the per-output form
    that ``backward()`` and so the tape compute), what any pure-Python tape can
    reach; and the *floor* of the plain engine, the same graph as bare Values plus
    the one topological order ``backward()`` needs, with no arithmetic at all."""
    from benchmarks import scalar

    first = scalar.inputs()
    small = [scalar.naive_tape_run(first, 200), scalar.FlatInterpreter(len(first), 200).run(first),
             scalar.chainrule_plain_run(first, 200), scalar.chainrule_tape(first, 200)[0](),
             scalar.ceiling(len(first), 200)(first), scalar.ceiling(len(first), 200, fused=False)(first)]
    drift = max(abs(a - b) for other in small[1:] for a, b in zip(small[0], other))
    fused, per_output = scalar.ceiling(len(first), n_ops), scalar.ceiling(len(first), n_ops, fused=False)
    compile_seconds = []
    replay: Callable[[], Any] = lambda: None  # noqa: E731
    for _ in range(3):
        seconds, (replay, _) = timed(lambda: scalar.chainrule_tape(first, n_ops))
        build, _ = timed(lambda: scalar.chainrule_graph(first, n_ops))
        compile_seconds.append(seconds - build)  # recording minus building the graph it records
    interpreter = scalar.FlatInterpreter(len(first), n_ops)
    systems: Dict[str, Callable[[], Any]] = {
        "naive Python tape (build + backward)": lambda: scalar.naive_tape_run(first, n_ops),
        "flat index interpreter (forward + backward)": lambda: interpreter.run(first),
        "chainrule plain (build + backward)": lambda: scalar.chainrule_plain_run(first, n_ops),
        "chainrule compiled tape (forward + backward)": replay,
        "ceiling: hand-written straight-line Python, softmax fused": lambda: fused(first),
        "ceiling: the same, softmax per output as backward()": lambda: per_output(first),
        "floor of plain: bare Values + topological order": lambda: scalar.value_floor_run(first, n_ops),
    }
    times: Dict[str, List[float]] = {name: [] for name in systems}
    for _ in range(rounds):
        for name, run in systems.items():
            times[name].append(timed(run)[0])
    medians = {name: statistics.median(t) for name, t in times.items()}
    workload = f"scalar workload ({n_ops:,} ops: softplus, sum, mul, softmax)"
    rows: List[Row] = [(workload, name, medians[name], "") for name in systems]
    naive, flat, plain, tape, ceiling_fused, ceiling, floor = medians.values()
    rows.append((workload, "(ratios)", None,
                 f"plain / naive tape: {plain / naive:.2f} (target <= 1; its floor alone: {floor / naive:.2f}); "
                 f"flat interpreter / tape: {flat / tape:.2f} (target >= 3; the ceiling: {flat / ceiling:.2f} "
                 f"per output, {flat / ceiling_fused:.2f} fused); compiling: "
                 f"{statistics.median(compile_seconds):.2f} s (target < 1 s); all agree to {drift:.1e} at 200 ops"))
    return rows


def fit_against_torch(rounds: int, epochs: int = 60) -> List[Row]:
    """micrograd's demo training end to end: ``nn.fit(engine="auto")`` for
    ``epochs`` full-batch steps against the same steps written with PyTorch CPU
    tensors in a plain loop (torch on one thread, see :func:`main`). Round-robin."""
    systems = {"fit(engine='auto')": workloads.fit_run, "torch tensors, plain loop": workloads.torch_loop_run}
    times: Dict[str, List[float]] = {name: [] for name in systems}
    losses: Dict[str, List[float]] = {}
    engines: Dict[str, str] = {}
    for _ in range(rounds):
        for name, run in systems.items():
            seconds, (curve, engine) = timed(lambda run=run: run(epochs))
            times[name].append(seconds)
            losses[name], engines[name] = curve, engine
    medians = {name: statistics.median(t) for name, t in times.items()}
    ours, theirs = medians.values()
    drift = max(abs(a - b) for a, b in zip(*losses.values()))
    label = f"demo training, {epochs} steps (MLP 2-16-16-1, 100 points, hinge + l2)"
    rows: List[Row] = [(label, name, medians[name], "") for name in systems]
    used = engines["fit(engine='auto')"]
    rows.append((label, "(ratio)", None, f"fit / torch: {ours / theirs:.2f} (target < 1); fit used "
                 f"'{used}', its losses match torch's to {drift:.1e}"))
    return rows


def fit_scale(sizes: List[int], rounds: int = 7) -> List[Row]:
    """One plain-engine ``fit`` step on a wide MLP over more and more rows: the
    time per graph node should not grow with the graph (fit holds the cyclic
    collector during a step; the graph has no cycles). The sizes run in lockstep,
    a round at a time, each round timing every size for about the same number of
    nodes (many steps of a small graph, one of the largest), so a slow spell of the
    machine, which lasts seconds here, falls on every size alike."""
    steppers = [workloads.plain_fit_stepper(wanted) for wanted in sizes]
    times: Dict[int, List[float]] = {nodes: [] for _, nodes in steppers}
    largest = max(times)
    for _ in range(rounds):
        for step, nodes in steppers:
            for _ in range(max(1, largest // nodes)):
                start = time.perf_counter()  # no gc.collect() between steps: fit does none
                step()
                times[nodes].append(time.perf_counter() - start)
    rows: List[Row] = []
    per_node: Dict[int, float] = {}
    for nodes, runs in times.items():
        seconds = statistics.median(runs)
        per_node[nodes] = seconds / nodes
        rows.append((f"fit step, plain engine, {nodes:,} nodes", "chainrule plain", seconds,
                     f"{1e9 * seconds / nodes:.0f} ns/node; median of {len(runs)} steps in {rounds} rounds"))
    spread = max(per_node.values()) / min(per_node.values())
    rows.append(("fit step, plain engine: time per node", "chainrule plain", None,
                 f"largest/smallest over sizes: {spread:.2f}x (target <= 1.3)"))
    return rows


def tape_memory(nodes: int) -> List[Row]:
    """Bytes per node while compiling a chain (peak) and held by the tape afterwards,
    and whether a dropped tape is freed at once with the collector off."""
    import weakref

    from autograd import compile

    x, root = workloads.leaf_chain(_value_class(), nodes)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tape = compile(root)
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = tape.size
    probe = weakref.ref(tape._program.forwards[0][0])
    gc.disable()
    try:
        del tape
        freed = probe() is None
    finally:
        gc.enable()
    label = f"compiled tape memory ({size:,}-node chain)"
    return [
        (label, "chainrule tape", None,
         f"{(peak - base) / size:,.0f} B/node at the peak of compiling (target <= 1,000); "
         f"{(held - base) / size:,.0f} B/node held (target <= 300); "
         f"dropped tape freed with the collector off: {'yes' if freed else 'NO'}"),
    ]


def _value_class() -> Any:
    from autograd import Value

    return Value


def versions() -> Dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for package in ("chainrule", "micrograd", "torch", "numpy"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


def table(rows: List[Row], baselines: Dict[str, float]) -> str:
    lines = ["| workload | system | median | vs micrograd | note |", "|---|---|---:|---:|---|"]
    for workload, system, value, note in rows:
        if value is None:
            lines.append(f"| {workload} | {system} | | | {note} |")
            continue
        if workload.startswith("memory"):
            shown, ratio = f"{value:,.0f} B", ""
        else:
            shown = f"{value * 1e3:,.2f} ms"
            base = baselines.get(workload)
            ratio = f"{base / value:,.1f}x faster" if base and system != "micrograd" else ""
        lines.append(f"| {workload} | {system} | {shown} | {ratio} | {note} |")
    return "\n".join(lines)


#: The workloads ``--only`` can pick, in the order a full run makes them.
WORKLOADS = ("demo", "fit", "fit-scale", "scalar", "tape-memory", "memory", "scale")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="demo steps timed per system (median)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000],
                        help="graph sizes (nodes) for the scale workload")
    parser.add_argument("--repeats", type=int, default=3, help="runs per size for the scale workload")
    parser.add_argument("--ops", type=int, default=10_000, help="ops in the scalar workload")
    parser.add_argument("--output", default=os.path.join(os.path.dirname(__file__), "results.md"))
    parser.add_argument("--only", nargs="+", choices=WORKLOADS, default=None,
                        help="run only these workloads and replace only their rows in the output")
    args = parser.parse_args(argv)
    try:
        import torch

        torch.set_num_threads(1)  # tensors of 100 rows gain nothing from threads; idle ones spin on a busy machine
    except ImportError:
        pass

    wanted = set(args.only or WORKLOADS)
    rows: List[Row] = []
    baselines: Dict[str, float] = {}
    if "demo" in wanted:
        rows += demo_rows(args.rounds, baselines)
    if "fit" in wanted:
        rows += fit_against_torch(args.rounds)
    if "fit-scale" in wanted:
        rows += fit_scale(args.sizes)
    if "scalar" in wanted:
        rows += scalar_workload(args.rounds, args.ops)
    if "tape-memory" in wanted:
        rows += tape_memory(50_000)
    if "memory" in wanted:
        rows += memory()
    if "scale" in wanted:
        scale_rows = scale(args.sizes, args.repeats)
        for workload_name, system, value, _ in scale_rows:
            if system == "micrograd" and value is not None:
                baselines[workload_name] = value
        rows += scale_rows

    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}"
    found = ", ".join(f"{k} {v}" for k, v in versions().items())
    report = table(rows, baselines)
    print(report)
    if args.only:
        report = merged(args.output, report)
    with open(args.output, "w", encoding="utf-8") as out:
        out.write("# Benchmark results\n\nMade by `make bench` (benchmarks/run.py); medians of interleaved runs,\n")
        out.write("each paying for its own garbage collection.\n\n")
        out.write(f"- machine: {machine}\n- versions: {found}\n\n{report}\n")
    print(f"\nwritten to {args.output}")
    return 0


def merged(path: str, report: str) -> str:
    """The table in ``path`` with the rows of every workload ``report`` measured replaced by the new
    rows (in place; a workload it did not have goes at the end)."""
    try:
        with open(path, encoding="utf-8") as f:
            old = [line for line in f.read().splitlines() if line.startswith("|")]
    except FileNotFoundError:
        return report
    new = report.splitlines()
    header, fresh = new[:2], new[2:]
    label = lambda line: line.split("|")[1].strip()  # noqa: E731
    by_workload: Dict[str, List[str]] = {}
    for line in fresh:
        by_workload.setdefault(label(line), []).append(line)
    result = header[:]
    for line in old[2:]:
        name = label(line)
        if name in by_workload:
            result += by_workload.pop(name)
        elif not any(name == label(f) for f in fresh):
            result.append(line)
    for lines in by_workload.values():
        result += lines
    return "\n".join(result)


def demo_rows(rounds: int, baselines: Dict[str, float]) -> List[Row]:
    """The demo step for every system, with ratios to micrograd and to torch tensors."""
    times, losses, setup = demo_steps(rounds)
    reference = losses["micrograd"]
    rows: List[Row] = []
    workload = "demo step (moons, MLP 2-16-16-1, full batch)"
    for system, samples in times.items():
        drift = max(abs(a - b) for a, b in zip(losses[system], reference))
        note = f"losses match micrograd to {drift:.1e}"
        if setup[system] > 0.05:
            note += f"; setup {setup[system]:.2f} s"
        rows.append((workload, system, statistics.median(samples), note))
    baselines[workload] = statistics.median(times["micrograd"])
    off = statistics.median(times["micrograd, collector off"])
    rows.append((workload, "(ratios to micrograd with collector off)", None, ", ".join(
        f"{s}: {off / statistics.median(t):.1f}x" for s, t in times.items() if s.startswith("chainrule"))))
    torch_step = statistics.median(times["torch tensors"])
    rows.append((workload, "(time relative to torch tensors)", None, ", ".join(
        f"{s}: {statistics.median(t) / torch_step:.2f}x"
        for s, t in times.items() if s.startswith("chainrule"))))
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
