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


def test_the_source_tutorials_are_cited_by_title():
    """The three tutorials the project grew from are named by their titles, never by a file number."""
    texts = {p: p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]}
    texts.update({p: p.read_text(encoding="utf-8") for folder in ("autograd", "nn", "viz", "examples")
                  for p in sorted((ROOT / folder).rglob("*")) if p.suffix in (".py", ".ipynb", ".md")})
    numbered = re.compile(r"\bseed[ _-]?00[0-9]|seed00[0-9]", re.IGNORECASE)
    assert not [f"{p.relative_to(ROOT)}: {m.group()}" for p, t in texts.items() for m in numbered.finditer(t)]
    index = texts[ROOT / "docs" / "index.md"]
    for title in ("Introduction to Neural Networks — Part 2", "Neural Networks – Backpropagation",
                  "Backpropagation in Neural Networks Explained"):
        assert f"*{title}*" in index, title
