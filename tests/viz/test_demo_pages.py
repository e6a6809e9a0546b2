"""The demo index and its picture viewers: described thumbnails that open full size with zoom, an
informative sample, titles rounded for people; axe-core finds nothing serious on any page."""

import re

import pytest
from a11y import assert_accessible, assert_focus_visible, tab_walk

from viz.demo import run_demos
from viz.pages import svg_words


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    import io

    out = tmp_path_factory.mktemp("demos")
    run_demos("all", out, epochs=2, progress=False, stream=io.StringIO())
    return out


def test_every_picture_has_words_and_a_viewer(demos):
    index = (demos / "index.html").read_text(encoding="utf-8")
    for name in ("xor", "moons", "xor-by-hand", "house-prices"):
        for svg in sorted((demos / name).glob("*.svg")):
            title, desc = svg_words(svg.read_text(encoding="utf-8"))
            assert title and len(desc) > 60, svg
            viewer = svg.with_suffix(".html")
            assert viewer.exists()
            rel = f"{name}/{viewer.name}"
            assert f'<a href="{rel}" class="thumb card"><img src="{name}/{svg.name}"' in index
    # the alt text of a thumbnail is its caption and the picture's own description
    moons_graph = svg_words((demos / "moons" / "graph.svg").read_text(encoding="utf-8"))[1]
    assert "is computed from 107 leaves (105 parameters, 2 inputs)" in moons_graph
    assert moons_graph.replace("'", "&#x27;") in index


def test_samples_are_informative_and_titles_are_rounded(demos):
    from nn import data

    xor_page = (demos / "xor" / "steps.html").read_text(encoding="utf-8")
    assert "<title>xor: backprop of the loss on sample (1, 1) (before training)</title>" in xor_page
    X, _ = data.moons(n=100, noise=0.1, seed=0)
    k = next(i for i, row in enumerate(X) if all(v != 0 for v in row))
    moons = (demos / "moons" / "steps.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", moons)[1]
    assert title == f"moons: backprop of the loss on sample ({X[k][0]:.3g}, {X[k][1]:.3g}) (before training)"
    assert not re.search(r"\d\.\d{6,}", title)


def test_xor_by_hand_draws_sample_1_1(demos):
    # every weight is 1: Z1 = Z2 = Z3 = 1 + 1 + 1 = 3, D0 = 3 + 3 + 3 + 1 = 10, target 0, L = ½·10² = 50
    desc = svg_words((demos / "xor-by-hand" / "network_start.svg").read_text(encoding="utf-8"))[1]
    assert desc.endswith("For the input (1, 1) the output is 10.")
    graph = svg_words((demos / "xor-by-hand" / "graph.svg").read_text(encoding="utf-8"))[1]
    assert graph.startswith("L = 50 is computed from")


def test_index_and_viewers_pass_axe_and_work_by_keyboard(demos, open_page):
    page = open_page(demos / "index.html")
    assert_accessible(page)
    walk = tab_walk(page, 5)
    assert [f["text"] for f in walk[:4]] == ["xor", "moons", "xor-by-hand", "house-prices"]
    assert_focus_visible(page)
    viewer = open_page(demos / "moons" / "graph.html")  # the largest picture (axe checks a smaller one below)
    assert viewer.text_content("#zoom-level") == "100%"   # opens full size
    width = viewer.evaluate("document.querySelector('#picture svg').getBoundingClientRect().width")
    assert width > 3000  # the graph, about 3,750 pixels wide, is not squeezed into the window
    viewer.focus("#zoom-fit")
    viewer.keyboard.press("Enter")
    fitted = viewer.evaluate("document.querySelector('#picture svg').getBoundingClientRect().width")
    box = viewer.evaluate("document.querySelector('#picture').clientWidth")
    assert fitted <= box and viewer.text_content("#zoom-level") != "100%"
    viewer.keyboard.press("0")
    assert viewer.text_content("#zoom-level") == "100%"
    viewer.keyboard.press("+")
    assert viewer.text_content("#zoom-level") == "125%"
    assert viewer.evaluate("document.querySelector('#picture svg > desc').textContent").startswith("L = ")
    for name in ("xor-by-hand/graph.html", "xor/boundary.html", "house-prices/loss.html", "xor-by-hand/network.html"):
        assert_accessible(open_page(demos / name), schemes=("light",))  # the dark theme is the index's style sheet
    steps = open_page(demos / "xor-by-hand" / "steps.html")
    assert_accessible(steps)
    assert viewer.errors == [] and page.errors == [] and steps.errors == []


def test_index_at_200_percent_zoom(demos, open_page):
    page = open_page(demos / "index.html", viewport={"width": 640, "height": 400})
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    thumbs = page.evaluate("[...document.querySelectorAll('a.thumb')].map(a => a.getBoundingClientRect().right)")
    assert thumbs and max(thumbs) <= 640
