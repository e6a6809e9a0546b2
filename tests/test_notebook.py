"""examples/quickstart.ipynb is committed clean and runs from top to bottom.

The notebook is executed with nbclient in a fresh kernel, in a temporary
directory, so it can never silently rot.
"""

from __future__ import annotations

import pathlib
import re

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = pathlib.Path(__file__).resolve().parents[1] / "examples" / "quickstart.ipynb"


def read():
    return nbformat.read(NOTEBOOK, as_version=4)


def tagged(nb, tag):
    cells = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


def text_of(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def has_svg(cell):
    return any("image/svg+xml" in o.get("data", {}) for o in cell.outputs
               if o.output_type in ("display_data", "execute_result"))


def test_committed_without_outputs():
    nb = read()
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {i} was committed with outputs; clear them before committing"
            assert cell.execution_count is None, f"cell {i} was committed with an execution count"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    pytest.importorskip("ipykernel")
    nb = read()
    workdir = tmp_path_factory.mktemp("notebook")
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(workdir)}})
    client.execute()
    return nb, workdir


def test_runs_without_errors(executed):
    nb, _ = executed
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            errors = [o for o in cell.outputs if o.output_type == "error"]
            assert not errors, f"cell {i} raised {errors[0].get('ename')}: {errors[0].get('evalue')}"
            assert cell.execution_count is not None


def test_neuron_graph_is_drawn_inline(executed):
    nb, _ = executed
    cell = tagged(nb, "neuron-graph")
    assert has_svg(cell), "the neuron's graph did not display as SVG"
    assert "o = 0.7071, do/dw1 = 1.0000, do/dx1 = -1.5000" in text_of(cell)


def test_backward_pass_is_explained(executed):
    nb, _ = executed
    text = text_of(tagged(nb, "explain"))
    assert "do/dw1 += do/dv2 * dv2/dw1 = 0.5 * 2.0 = 1.0" in text
    assert "do/dw1 = 1.0, which is w1.grad" in text


def test_training_shows_a_live_loss_curve_and_learns(executed):
    nb, workdir = executed
    cell = tagged(nb, "train")
    assert has_svg(cell), "the loss curve did not display"
    assert (workdir / "loss.svg").exists()
    match = re.search(r"final loss ([\d.]+), accuracy ([\d.]+)", text_of(cell))
    assert match, f"no final accuracy printed: {text_of(cell)!r}"
    assert float(match.group(2)) >= 0.95
    assert float(match.group(1)) < 0.2


def test_decision_boundary_and_network_are_shown(executed):
    nb, workdir = executed
    assert has_svg(tagged(nb, "boundary"))
    assert (workdir / "boundary.svg").exists()
    assert has_svg(tagged(nb, "network"))
