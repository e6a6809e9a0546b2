"""Every ```python block in README.md and docs/*.md runs, top to bottom.

Blocks of one file share a namespace and run in a fresh temporary directory,
so files a tutorial writes do not land in the repository.
"""

import os
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]


def python_blocks(path: pathlib.Path):
    return re.findall(r"^```python\n(.*?)^```", path.read_text(encoding="utf-8"), flags=re.S | re.M)


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_code_blocks_run(page, tmp_path, monkeypatch):
    blocks = python_blocks(page)
    if page.name == "README.md":
        assert blocks, "README.md has no python code block"
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": f"__doc_{page.stem}__"}
    for number, block in enumerate(blocks, 1):
        code = compile(block, f"{page.relative_to(ROOT)} (block {number})", "exec")
        exec(code, namespace)
    assert os.getcwd() == str(tmp_path)
