"""The tutorials in docs/ say what their code does.

tests/test_docs.py runs every ```python block. This file checks what the
tutorials *claim*:

- every page listed in docs/index.md exists, and every tutorial is listed;
- a ```text block right after a ```python block is that block's output, and
  the block, run again, prints exactly that (so every number in a listing is checked);
- every number with a decimal point (or a minus sign) in the prose also
  appears in the page's python code or in a checked listing, where an
  assert pins it down;
- every picture a page shows exists in docs/pictures, is made by
  docs/make_pictures.py, and is drawn by the page's own code: a Graphviz
  picture the page renders has the very DOT source that is committed.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PICTURES = DOCS / "pictures"
# Reference pages written by others follow their own conventions.
NOT_TUTORIALS = {"index.md", "nn.md", "viz.md", "architecture.md"}

FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```[ \t]*$", re.S | re.M)
IMAGE = re.compile(r"!\[[^\]]*\]\(pictures/([\w-]+)\.svg\)")
CODE_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e-?\d+)?(?!\w)")
LINK = re.compile(r"\]\(([\w-]+\.md)(?:#[\w-]*)?\)")
NUMBER = re.compile(r"(?<![\w.])-?\d+\.\d+(?:e-?\d+)?(?!\w|\.\d)|(?<![\w.])-\d+(?!\w|\.\d)")


def tutorial_pages():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    return [name for name in dict.fromkeys(LINK.findall(index)) if name not in NOT_TUTORIALS]


def make_pictures():
    spec = importlib.util.spec_from_file_location("make_pictures", DOCS / "make_pictures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def blocks(text):
    """[(language, code, start offset)] for every fenced block."""
    return [(m.group(1), m.group(2), m.start()) for m in FENCE.finditer(text)]


def prose(text):
    """The page without its fenced blocks and link targets (inline code stays: it is text too)."""
    text = FENCE.sub("", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


PAGES = tutorial_pages()


def test_index_lists_every_tutorial():
    listed = set(PAGES)
    for page in DOCS.glob("*.md"):
        if page.name not in NOT_TUTORIALS:
            assert page.name in listed, f"docs/index.md does not link to {page.name}"
    for name in listed:
        assert (DOCS / name).exists(), f"docs/index.md links to {name}, which does not exist"
    assert len(listed) >= 6


def test_every_link_in_the_index_resolves():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for target in LINK.findall(index):
        assert (DOCS / target).exists(), f"docs/index.md links to {target}, which does not exist"
    assert "examples/quickstart.ipynb" in index and (ROOT / "examples" / "quickstart.ipynb").exists()


@pytest.mark.parametrize("name", PAGES)
def test_pages_link_to_existing_pages(name):
    text = (DOCS / name).read_text(encoding="utf-8")
    for target in LINK.findall(text):
        assert (DOCS / target).exists(), f"{name} links to {target}, which does not exist"


@pytest.mark.parametrize("name", PAGES)
def test_listings_are_the_output_of_their_code(name, tmp_path, monkeypatch):
    """Run the page's python blocks in order, capturing what each prints, and
    compare with the ```text block that follows it; check the pictures it draws."""
    text = (DOCS / name).read_text(encoding="utf-8")
    found = blocks(text)
    assert any(lang == "python" for lang, _, _ in found), f"{name} has no python block"
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": f"__tutorial_{pathlib.Path(name).stem}__"}
    previous = None  # (block number, printed text, end offset of the python block)
    for number, (lang, code, start) in enumerate(found, 1):
        if lang == "python":
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(code, f"docs/{name} (block {number})", "exec"), namespace)
            previous = (number, out.getvalue(), start)
        elif lang == "text":
            assert previous is not None, f"{name}: text block {number} does not follow a python block"
            between = text[text.index("```", previous[2] + 3) + 3:start]
            assert between.strip() == "", (
                f"{name}: text block {number} must come right after the python block whose output it shows")
            assert previous[1].rstrip() == code.rstrip(), (
                f"{name}: text block {number} is not what python block {previous[0]} prints.\n"
                f"--- printed ---\n{previous[1]}--- page says ---\n{code}")
            previous = None
        else:
            previous = None
    module = make_pictures()
    for picture in IMAGE.findall(text):
        if picture in module.GRAPHS:
            drawn = tmp_path / picture
            assert drawn.exists(), f"{name} shows pictures/{picture}.svg but its code never renders {picture!r}"
            committed = (PICTURES / f"{picture}.dot").read_text(encoding="utf-8")
            assert drawn.read_text(encoding="utf-8") == committed, (
                f"{name}: the code on the page draws a different {picture} than docs/pictures/{picture}.dot; "
                "make the page and docs/make_pictures.py agree, then run make docs")
        else:
            assert (tmp_path / f"{picture}.svg").exists(), (
                f"{name} shows pictures/{picture}.svg but its code never writes {picture}.svg")


@pytest.mark.parametrize("name", PAGES)
def test_numbers_in_the_text_are_checked(name):
    """A number like 0.7071 or -4 in the prose must also be written in the page's
    code (compared by value, so -4 matches -4.0) or in a listing checked above."""
    text = (DOCS / name).read_text(encoding="utf-8")
    code = "\n".join(body for lang, body, _ in blocks(text) if lang in ("python", "text"))
    written = {float(n) for n in CODE_NUMBER.findall(code)}
    missing = sorted({n for n in NUMBER.findall(prose(text)) if float(n) not in written})
    assert not missing, f"{name} states numbers its code never checks: {missing}"


@pytest.mark.parametrize("name", PAGES)
def test_pictures_exist_and_are_made_by_make_pictures(name):
    text = (DOCS / name).read_text(encoding="utf-8")
    module = make_pictures()
    known = set(module.GRAPHS) | set(module.FIGURES)
    for picture in IMAGE.findall(text):
        assert (PICTURES / f"{picture}.svg").exists(), f"{name} shows pictures/{picture}.svg, which is missing"
        assert picture in known, f"{name} shows {picture}.svg, which docs/make_pictures.py does not make"


def test_every_picture_is_shown_somewhere():
    module = make_pictures()
    shown = {p for name in PAGES for p in IMAGE.findall((DOCS / name).read_text(encoding="utf-8"))}
    unused = sorted((set(module.GRAPHS) | set(module.FIGURES)) - shown)
    assert not unused, f"docs/make_pictures.py makes pictures no page shows: {unused}"
