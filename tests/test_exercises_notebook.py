"""examples/exercises.ipynb: committed with its outputs, re-run by nbval, and run again here with the
right answers (from PyTorch, rounded as a student would) typed into its fill-in cells."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
torch = pytest.importorskip("torch")

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "exercises.ipynb"
TORCH = {"tanh": torch.tanh, "exp": torch.exp, "sigmoid": torch.sigmoid, "relu": torch.relu, "log": torch.log}


def torch_answers(expression, values):
    xs = {n: torch.tensor(float(v), dtype=torch.float64, requires_grad=True) for n, v in values.items()}
    eval(expression, {"__builtins__": {}, **TORCH}, dict(xs)).backward()   # our own notebook's expressions
    return {n: float(f"{x.grad.item():.4g}") for n, x in xs.items()}


def outputs_text(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def test_committed_with_outputs_and_no_errors():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    counts = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not [o for o in cell.outputs if o.output_type == "error" or o.get("name") == "stderr"], i
            counts.append(cell.execution_count)
    assert counts == list(range(1, len(counts) + 1)), "run every cell once, top to bottom (make notebooks)"
    fill = [c for c in nb.cells if "fill-in" in c.metadata.get("tags", [])]
    assert len(fill) == 3 and all("is missing" in outputs_text(c) for c in fill)


def test_reexecuted_outputs_match_the_committed_ones():
    pytest.importorskip("nbval")
    pytest.importorskip("ipykernel")
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval", "--nbval-current-env",
         str(NOTEBOOK)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def test_with_the_right_answers_filled_in_every_check_says_right(tmp_path):
    pytest.importorskip("ipykernel")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # the exercises the notebook sets, read from its own printed tasks: "L = <expr>, at x = 2.0, ... Find ..."
    tasks = [line for c in nb.cells if c.cell_type == "code" for line in outputs_text(c).splitlines()
             if line.startswith("L = ") and ". Find " in line]
    assert len(tasks) == 3
    filled = 0
    for cell, task in zip([c for c in nb.cells if "fill-in" in c.metadata.get("tags", [])], tasks):
        expression, at = re.match(r"L = (.*), at (.*)\. Find ", task).groups()
        values = dict((n, float(v)) for n, v in re.findall(r"(\w+) = (-?[\d.]+)", at))
        right = torch_answers(expression, values)
        source = cell.source
        for name, value in right.items():
            source, n = re.subn(rf'"{name}": None', f'"{name}": {value!r}', source)
            assert n == 1, (name, cell.source)
        cell.source = source
        filled += 1
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    fill = [c for c in nb.cells if "fill-in" in c.metadata.get("tags", [])]
    assert filled == len(fill) == 3
    for cell in fill:
        assert not [o for o in cell.outputs if o.output_type == "error"]
        text = outputs_text(cell)
        assert re.match(r"All \d right\. dL/d", text), text
