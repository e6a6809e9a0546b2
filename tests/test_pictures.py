"""The pictures committed in docs/pictures are what docs/make_pictures.py makes.

Graphviz pictures are compared by their DOT source (NAME.dot, committed beside
NAME.svg), rebuilt here in-process: SVG bytes vary with the Graphviz version,
the DOT source does not. Matplotlib pictures cannot be compared byte for byte
across versions, so for them the SVG must exist and be well-formed XML.
"""

from __future__ import annotations

import importlib.util
import pathlib
import xml.etree.ElementTree as ET

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PICTURES = ROOT / "docs" / "pictures"
SVG = "{http://www.w3.org/2000/svg}svg"


def load_make_pictures():
    spec = importlib.util.spec_from_file_location("make_pictures", ROOT / "docs" / "make_pictures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKE = load_make_pictures()


def test_there_are_pictures_of_both_kinds():
    assert len(MAKE.GRAPHS) >= 5 and len(MAKE.FIGURES) >= 3
    assert not set(MAKE.GRAPHS) & set(MAKE.FIGURES), "a picture name is used twice"


@pytest.mark.parametrize("name", sorted(MAKE.GRAPHS))
def test_graphviz_picture_matches_its_script(name):
    dot = PICTURES / f"{name}.dot"
    assert dot.exists(), f"docs/pictures/{name}.dot is missing: run make docs and commit docs/pictures"
    assert (PICTURES / f"{name}.svg").exists(), f"docs/pictures/{name}.svg is missing: run make docs"
    source = MAKE.GRAPHS[name]().source
    assert source == dot.read_text(encoding="utf-8"), (
        f"docs/pictures/{name}.dot is out of date: docs/make_pictures.py now draws something else. "
        "Run make docs and commit docs/pictures.")


@pytest.mark.parametrize("name", sorted(MAKE.GRAPHS))
def test_graphviz_source_is_deterministic(name):
    """No absolute paths, dates or memory addresses: the same source twice, and nothing machine-specific."""
    first, second = MAKE.GRAPHS[name]().source, MAKE.GRAPHS[name]().source
    assert first == second
    assert str(ROOT) not in first and " at 0x" not in first


@pytest.mark.parametrize("name", sorted(MAKE.GRAPHS) + sorted(MAKE.FIGURES))
def test_svg_is_well_formed(name):
    svg = PICTURES / f"{name}.svg"
    assert svg.exists(), f"docs/pictures/{name}.svg is missing: run make docs and commit docs/pictures"
    root = ET.parse(svg).getroot()
    assert root.tag == SVG, f"docs/pictures/{name}.svg is not an SVG document"
    text = svg.read_text(encoding="utf-8")
    assert str(ROOT) not in text, f"docs/pictures/{name}.svg holds an absolute path"


@pytest.mark.parametrize("name", sorted(MAKE.FIGURES))
def test_matplotlib_svg_has_no_date(name):
    text = (PICTURES / f"{name}.svg").read_text(encoding="utf-8")
    assert "<dc:date>" not in text, f"docs/pictures/{name}.svg carries a date: save it with metadata={{'Date': None}}"


def test_no_stray_files_in_pictures():
    expected = {f"{n}.svg" for n in [*MAKE.FIGURES, *MAKE.GRAPHS]} | {f"{n}.dot" for n in MAKE.GRAPHS}
    present = {p.name for p in PICTURES.iterdir()}
    assert present == expected, (
        f"docs/pictures differs from what make_pictures.py makes: extra {sorted(present - expected)}, "
        f"missing {sorted(expected - present)} (run make docs; delete pictures no page uses)")


def test_make_pictures_writes_a_figure(tmp_path, monkeypatch):
    """The writer itself: a figure lands where asked, as a dated-free SVG."""
    monkeypatch.setattr(MAKE, "PICTURES", tmp_path)
    name = sorted(MAKE.FIGURES)[0]
    graph_name = sorted(MAKE.GRAPHS)[0]
    MAKE.write([name, graph_name])
    assert ET.parse(tmp_path / f"{name}.svg").getroot().tag == SVG
    assert (tmp_path / f"{graph_name}.dot").read_text(encoding="utf-8") == \
        (PICTURES / f"{graph_name}.dot").read_text(encoding="utf-8")


def test_make_pictures_refuses_unknown_names():
    with pytest.raises(SystemExit, match="no picture called nosuch"):
        MAKE.write(["nosuch"])
