"""Every ```python block in README.md runs, top to bottom, in one namespace."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]


def python_blocks(path):
    return re.findall(r"^```python\n(.*?)^```", path.read_text(), flags=re.S | re.M)


def test_readme_quickstart_runs():
    blocks = python_blocks(ROOT / "README.md")
    assert blocks, "README.md has no python code block"
    namespace = {"__name__": "__readme__"}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
