"""Run the example notebooks and save them with their outputs (``make notebooks``).

The notebooks are committed with outputs so that they read on GitHub; the
tests re-run them and compare the text outputs with what is committed
(nbval), so re-run this after changing anything a notebook prints.
"""

from __future__ import annotations

import pathlib
import sys

import nbclient
import nbformat

HERE = pathlib.Path(__file__).resolve().parent


def run(path: pathlib.Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:  # no kernel-specific noise in the committed file
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    print(f"ran {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    names = sys.argv[1:] or sorted(p.name for p in HERE.glob("*.ipynb"))
    for name in names:
        run(HERE / name)
