"""``chainrule demo``: train small networks and draw everything about them.

Each demo trains a network (with a progress bar) and writes, into its own
folder: ``graph.svg`` (the computation graph of the loss on one sample, after
backward), ``network.svg`` (the trained weights), ``loss.svg`` (the loss
curve), ``boundary.svg`` (the decision boundary, for classification) and
``steps.html`` (backprop through that one-sample loss, step by step). An
``index.html`` beside the folders shows them all.
"""

from __future__ import annotations

import pathlib
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO, Tuple, Union

from autograd import Value

from ._render import fmt
from .graph import draw_graph
from .html import save_backprop_html
from .network import draw_network, weight_names
from .pages import Figure, Section, describe_svg_file, write_index, write_viewer
from .plots import plot_decision_boundary, plot_loss

__all__ = ["DEMOS", "run_demo", "run_demos"]


@dataclass
class Demo:
    """One demo: its data, network and training settings."""

    name: str
    about: str
    make: Callable[[int], Tuple[Any, List[List[float]], List[Any]]]  # seed -> (model, X, y)
    loss: Any
    epochs: int
    lr: float
    batch_size: Optional[int] = None
    classify: bool = True
    threshold: Optional[float] = None
    notes: List[str] = field(default_factory=list)


def _xor(seed: int) -> Tuple[Any, List[List[float]], List[Any]]:
    from nn import MLP, data

    X, y = data.xor()
    return MLP(2, [4, 1], activation="tanh", seed=3 + seed), X, y


def _moons(seed: int) -> Tuple[Any, List[List[float]], List[Any]]:
    from nn import MLP, data

    X, y = data.moons(n=100, noise=0.1, seed=seed)
    return MLP(2, [8, 8, 1], activation="tanh", seed=seed), X, y


def _xor_tutorial(seed: int) -> Tuple[Any, List[List[float]], List[Any]]:
    from nn import MLP, constant, data

    X, y = data.xor()
    model = MLP(2, [3, 1], activation="linear", init=constant(1.0))
    for p, name in weight_names(model).items():  # the tutorial's names: W10 ... V03
        p.label = name
    return model, X, y


def _house(seed: int) -> Tuple[Any, List[List[float]], List[Any]]:
    from nn import MLP, data

    X, y = data.house_prices(n=200, seed=seed)
    return MLP(3, [8, 1], activation="tanh", seed=seed), X, y


def _half_squared_error(output: Any, target: Any) -> Value:
    """The XOR tutorial's error for one sample, as a loss: ½ (y − t)², so dL/dy = y − t."""
    if isinstance(output, list):  # a batch
        terms = [0.5 * (o - t) ** 2 for o, t in zip(output, target)]
        return sum(terms[1:], terms[0]) * (1.0 / len(terms))
    out: Value = 0.5 * (output - target) ** 2
    return out


DEMOS: Dict[str, Demo] = {
    "xor": Demo("xor", "XOR with a 2-4-1 tanh network and binary cross-entropy on logits",
                _xor, "bce_logits", epochs=300, lr=0.5),
    "moons": Demo("moons", "two moons (100 points) with a 2-8-8-1 tanh network",
                  _moons, "bce_logits", epochs=150, lr=0.5),
    "xor-by-hand": Demo("xor-by-hand", "the XOR tutorial's 2-3-1 network: identity activations, every weight 1, "
                        "per-sample gradient descent with learning rate 0.1 on the XOR truth table",
                        _xor_tutorial, _half_squared_error, epochs=40, lr=0.1, batch_size=1, threshold=0.5,
                        notes=["The tutorial works sample (0, 0) by hand: the network outputs 4 (Z1 = Z2 = Z3 = 1, "
                               "D0 = 4), so with the loss ½(y − t)², dL/dD0 = y − t = 4, the tutorial's delta "
                               "(t − y = −4) with the sign of a gradient; gradient descent then moves W10 to "
                               "1 − 0.1·4 = 0.6.",
                               "The pictures below backpropagate sample (1, 1), where no input is 0, so no step "
                               "multiplies by 0: Z1 = Z2 = Z3 = 3, D0 = 10 and dL/dD0 = 10 − 0 = 10.",
                               "A network with identity activations is linear, so it cannot learn XOR: the loss "
                               "levels off and every prediction tends to 0.5."]),
    "house-prices": Demo("house-prices", "house prices (regression, 3 features) with a 3-8-1 tanh network",
                         _house, "mse", epochs=60, lr=0.05, batch_size=20, classify=False),
}


def _sample_loss(demo: Demo, model: Any, x: Sequence[float], target: Any) -> Value:
    from nn import losses

    loss = losses.get(demo.loss)(model(list(x)), target)  # a name from the loss table, or a function
    loss.label = "L"
    return loss


def run_demo(
    name: str,
    out_dir: Union[str, pathlib.Path],
    epochs: Optional[int] = None,
    seed: int = 0,
    progress: bool = True,
    stream: Optional[TextIO] = None,
) -> Dict[str, pathlib.Path]:
    """Train demo ``name`` and write its pictures into ``out_dir/name``; returns
    ``{kind: path}``. ``epochs`` overrides the demo's number of epochs.

    >>> import tempfile, io
    >>> files = run_demo("xor-by-hand", tempfile.mkdtemp(), epochs=2, progress=False, stream=io.StringIO())
    >>> sorted(files)
    ['boundary', 'graph', 'loss', 'network', 'network_start', 'steps']
    """
    from nn import fit

    stream = stream if stream is not None else sys.stdout
    if name not in DEMOS:
        raise ValueError(f"unknown demo {name!r}; choose one of {', '.join(DEMOS)} or all")
    demo = DEMOS[name]
    folder = pathlib.Path(out_dir) / name
    folder.mkdir(parents=True, exist_ok=True)
    model, X, y = demo.make(seed)
    files: Dict[str, pathlib.Path] = {}
    print(f"== {name}: {demo.about}", file=stream)
    for note in demo.notes:
        print(f"   {note}", file=stream)

    # Before training: one sample's loss, backpropagated, drawn three ways. The sample is the first
    # with no input equal to 0, so no step of the backward pass multiplies by 0.
    k = informative_sample(X)
    sample = "(" + ", ".join(fmt(float(v), 3) for v in X[k]) + ")"
    loss = _sample_loss(demo, model, X[k], y[k])
    model.zero_grad()
    loss.backward()
    files["graph"] = _write_svg(draw_graph(loss, params=model.parameters(), color_by="grad"), folder / "graph.svg")
    files["steps"] = save_backprop_html(loss, folder / "steps.html", params=model.parameters(), max_nodes=1000,
                                        title=f"{name}: backprop of the loss on sample {sample} (before training)")
    files["network_start"] = _write_svg(draw_network(model, show="grad", x=X[k]), folder / "network_start.svg")
    model.zero_grad()

    start = time.perf_counter()
    history = fit(model, X, y, loss=demo.loss, lr=demo.lr, epochs=epochs or demo.epochs,
                  batch_size=demo.batch_size, progress=progress)
    seconds = time.perf_counter() - start
    acc = f", accuracy {history.accuracy[-1]:.0%}" if demo.classify and history.accuracy else ""
    print(f"   trained {len(history.loss)} epochs in {seconds:.1f} s: loss {history.loss[-1]:.4g}{acc}", file=stream)

    files["network"] = _write_svg(draw_network(model, x=X[k]), folder / "network.svg")
    if len(history.loss) > 1:
        files["loss"] = describe_svg_file(
            plot_loss(history, folder / "loss.svg", title=f"{name}: training loss"), f"{name}: training loss",
            f"The loss per epoch falls from {fmt(history.loss[0])} after epoch 1 to {fmt(history.loss[-1])} after "
            f"epoch {len(history.loss)}." if history.loss[-1] < history.loss[0] else
            f"The loss per epoch goes from {fmt(history.loss[0])} after epoch 1 to {fmt(history.loss[-1])} after "
            f"epoch {len(history.loss)}.")
    if demo.classify:
        accuracy = f" It classifies {history.accuracy[-1]:.0%} of the {len(X)} training points correctly." \
            if history.accuracy else ""
        files["boundary"] = describe_svg_file(
            plot_decision_boundary(model, X, y, folder / "boundary.svg", resolution=60,
                                   threshold=demo.threshold, title=f"{name}: decision boundary"),
            f"{name}: decision boundary",
            f"The plane of the two inputs, shaded by the trained network's score, with the {len(X)} training "
            f"points marked by class and the line where the prediction changes class.{accuracy}")
    for kind, path in files.items():
        print(f"   {kind:<13} {path}", file=stream)
    return files


def _write_svg(graph: Any, path: pathlib.Path) -> pathlib.Path:
    path.write_bytes(graph.pipe(format="svg"))
    return path


def run_demos(
    which: str,
    out_dir: Union[str, pathlib.Path],
    epochs: Optional[int] = None,
    seed: int = 0,
    progress: bool = True,
    stream: Optional[TextIO] = None,
) -> Dict[str, Dict[str, pathlib.Path]]:
    """Run one demo, or every one for ``which="all"``, and write ``out_dir/index.html``."""
    stream = stream if stream is not None else sys.stdout
    names = list(DEMOS) if which == "all" else [which]
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results = {n: run_demo(n, out, epochs=epochs, seed=seed, progress=progress, stream=stream) for n in names}
    index = _index(out, results)
    print(f"\nEverything is in {out.resolve()}/ — open {index.resolve()} in a browser.", file=stream)
    return results


_CAPTIONS = {
    "network_start": "the network before training, coloured by the gradient of one sample's loss",
    "graph": "the computation graph of that loss (boxes shaded by gradient)",
    "steps": "backprop through that loss, one edge at a time",
    "network": "the trained network (edges coloured by weight)",
    "loss": "the loss per epoch",
    "boundary": "the decision boundary after training",
}


def informative_sample(X: Sequence[Sequence[float]]) -> int:
    """The index of the first row of ``X`` with no zero in it (else the row with the fewest zeros):
    the sample whose backward pass shows the most, since no step multiplies by 0.

    >>> informative_sample([[0, 0], [0, 1], [1, 0], [1, 1]])
    3
    >>> informative_sample([[0, 0], [0, 2.5]])
    1
    """
    zeros = [sum(1 for v in row if float(v) == 0.0) for row in X]
    return zeros.index(min(zeros)) if zeros else 0


def _index(out: pathlib.Path, results: Dict[str, Dict[str, pathlib.Path]]) -> pathlib.Path:
    sections = []
    for name, files in results.items():
        figures = []
        for kind in ("network_start", "graph", "network", "loss", "boundary"):
            if kind in files:
                figures.append(Figure(files[kind], _CAPTIONS[kind], write_viewer(files[kind])))
        sections.append(Section(name, DEMOS[name].about, list(DEMOS[name].notes), figures, files.get("steps"),
                                _CAPTIONS["steps"]))
    return write_index(out, sections)
