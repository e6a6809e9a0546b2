"""examples/quickstart.ipynb is committed with its outputs (so it reads on GitHub)
and re-executed by nbval, which compares every text output with the committed
one; pictures are checked here. ``make notebooks`` refreshes the outputs."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "quickstart.ipynb"


def read():
    return nbformat.read(NOTEBOOK, as_version=4)


def tagged(nb, tag):
    cells = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


def text_of(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def data_of(cell, mime):
    return [o["data"][mime] for o in cell.outputs
            if o.output_type in ("display_data", "execute_result") and mime in o.get("data", {})]


def test_committed_with_outputs_and_no_errors_or_warnings():
    nb = read()
    nbformat.validate(nb)
    counts = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert not [o for o in cell.outputs if o.output_type == "error"], f"cell {i} was committed with an error"
        assert not [o for o in cell.outputs if o.get("name") == "stderr"], f"cell {i} printed to stderr"
        counts.append(cell.execution_count)
    assert counts == list(range(1, len(counts) + 1)), "run every cell once, top to bottom (make notebooks)"


def test_reexecuted_outputs_match_the_committed_ones():
    pytest.importorskip("nbval")
    pytest.importorskip("ipykernel")
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", str(ROOT / "examples" / "nbval-sanitize.cfg"), str(NOTEBOOK)],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def test_a_value_shows_its_graph():
    cell = tagged(read(), "neuron-graph")
    assert "o = 0.7071, do/dw1 = 1.0000, do/dx1 = -1.5000" in text_of(cell)
    (svg,) = data_of(cell, "image/svg+xml")
    for name in ("x1", "w1", "x2", "w2", "b", "n", "o"):
        assert f">{name}<" in svg, name
    (text,) = data_of(cell, "text/plain")
    assert text.startswith("Value(data=0.70710678") and "label='o'" in text


def test_the_explanation_is_what_explain_says_now(capsys):
    from autograd import Value, explain

    nb = read()
    scope = {}
    exec(tagged(nb, "neuron-graph").source, {"Value": Value}, scope)  # the notebook's own neuron
    o, w1 = scope["o"], scope["w1"]
    assert text_of(tagged(nb, "explain")) == f"{explain(o)}\n\n{explain(o, wrt=w1)}\n"


def test_the_step_through_is_inline_in_a_frame():
    (frame,) = data_of(tagged(read(), "steps"), "text/html")
    assert frame.startswith("<iframe srcdoc=") and "&lt;!DOCTYPE html&gt;" in frame and 'title="' in frame


def test_training_shows_a_live_loss_curve_and_learns():
    nb = read()
    (curve,) = data_of(tagged(nb, "train"), "image/svg+xml")
    assert "Two moons, epoch 20" in curve
    text = text_of(tagged(nb, "trained"))
    assert text.startswith("MLP(2, [16, 16, 1], activation='tanh')\n")
    loss, acc = (float(s.split()[-1]) for s in text.splitlines()[1].split(","))
    assert acc >= 0.95 and loss < 0.2


def test_decision_boundary_and_network_are_shown():
    nb = read()
    (boundary,) = data_of(tagged(nb, "boundary"), "image/svg+xml")
    assert "Two moons" in boundary and "class 1" in boundary
    assert data_of(tagged(nb, "network"), "image/svg+xml")
    assert data_of(tagged(nb, "network"), "text/plain")[0].startswith("<Graph network: ")


def _run_cells(*sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    return nb


@pytest.mark.parametrize("widgets", [True, False], ids=["with-ipywidgets", "without-ipywidgets"])
def test_progress_bars_in_a_notebook_print_no_warning(widgets):
    pytest.importorskip("ipykernel")
    if widgets:
        pytest.importorskip("ipywidgets")
    hide = "" if widgets else "import sys; sys.modules['ipywidgets'] = None\n"
    nb = _run_cells(hide + "from nn import MLP, data, fit\n"
                    "X, y = data.xor()\n"
                    "h = fit(MLP(2, [3, 1], seed=0), X, y, loss='mse', epochs=3, progress=True)\n"
                    "print('epochs', h.epochs)")
    outputs = nb.cells[0].outputs
    assert not [o for o in outputs if o.output_type == "error"], outputs
    assert not [o for o in outputs if o.get("name") == "stderr"], [o.get("text") for o in outputs]
    assert "epochs 3" in "".join(o.get("text", "") for o in outputs)
    kinds = json.dumps([o.get("data", {}) for o in outputs])
    assert ("application/vnd.jupyter.widget-view+json" in kinds) == widgets
