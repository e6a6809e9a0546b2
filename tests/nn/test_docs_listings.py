"""docs/nn.md: a ```text block right after a ```python block is exactly what that block prints.

(tests/test_docs.py runs the blocks; this checks that the listings on the page are their output.)
"""

import contextlib
import importlib.util
import io
import pathlib
import re

PAGE = pathlib.Path(__file__).resolve().parents[2] / "docs" / "nn.md"
FENCE = re.compile(r"^```(python|text)\n(.*?)^```[ \t]*$", re.S | re.M)


def test_listings_are_the_output_of_the_code_before_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__doc_nn__"}
    printed = None
    checked = 0
    for number, (kind, body) in enumerate(FENCE.findall(PAGE.read_text(encoding="utf-8")), 1):
        if kind == "python":
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(body, f"docs/nn.md (block {number})", "exec"), namespace)
            printed = out.getvalue()
        else:
            assert printed is not None, f"block {number}: a listing that follows no python block"
            if printed == "" and body.startswith("Sequential(") and importlib.util.find_spec("torch") is None:
                continue  # the PyTorch example prints nothing without PyTorch
            assert printed.strip() == body.strip(), f"block {number} is not what the code before it prints"
            printed = None
            checked += 1
    assert checked >= 10
