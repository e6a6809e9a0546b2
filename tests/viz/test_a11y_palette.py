"""The palette is colour-blind safe: pairs that mean different things stay apart under simulated
deuteranopia, protanopia and tritanopia, text colours have contrast, and every kind of node differs
by outline as well as by colour."""

import re

import pytest
from a11y import DEFICIENCIES, contrast_ratio, delta_e, simulate

from autograd import Value
from viz import draw_graph
from viz._render import DISTINCT, PALETTE
from viz.graph import KINDS

pytest.importorskip("colorspacious")


def test_the_simulation_is_real():
    # pure red seen without L cones (protanopia) is a dark olive: red and green channels close, little blue
    r, g, b = simulate("#ff0000", "protanopia")
    assert abs(r - g) < 0.25 and b < 0.1 and r < 0.5
    # the step page's old "being updated" orange and "complete" green: apart to a normal eye, the same to
    # a protanope (the fault this palette fixes)
    assert delta_e("#e67e00", "#1d9a1d") > 30
    assert delta_e("#e67e00", "#1d9a1d", "protanopia") < 2
    with pytest.raises(ValueError, match="deficiency"):
        simulate("#000000", "monochrome")


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
@pytest.mark.parametrize("a,b,least", DISTINCT, ids=[f"{a}-{b}" for a, b, _ in DISTINCT])
def test_pairs_stay_apart(a, b, least, deficiency):
    seen = delta_e(PALETTE[a], PALETTE[b], deficiency)
    assert seen >= least, f"{a} {PALETTE[a]} and {b} {PALETTE[b]} are only {seen:.1f} apart with {deficiency}"


def test_input_leaves_are_not_the_colour_of_a_positive_gradient():
    # blue meant both "input" and "positive gradient": now the input fill is far from every blue shade
    for d in (None, *DEFICIENCIES):
        assert delta_e(PALETTE["input"], "#7aa3cd", d) > 20  # shade(1, 1): the deepest positive fill


@pytest.mark.parametrize("name", ["positive", "negative", "active", "updated", "complete", "text", "muted",
                                  "parameter-border", "input-border", "leaf-border", "constant-border"])
def test_line_and_text_colours_have_contrast(name):
    for background in ("#ffffff", PALETTE["constant"] if name == "text" else "#ffffff"):
        assert contrast_ratio(PALETTE[name], background) >= 4.5, (name, background)
    assert contrast_ratio(PALETTE["text"], PALETTE["parameter"]) >= 4.5


def test_contrast_ratio_matches_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # WCAG's classic near miss


def test_kinds_differ_by_outline_not_only_colour():
    styles = {kind: style for kind, (_, _, _, style) in KINDS.items()}
    assert len({styles["parameter"], styles["input"], styles["constant"], styles["computed"]}) == 4
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    y = (x * w * 2).tanh()
    y.backward()
    svg = draw_graph(y, params=[w]).pipe(format="svg", encoding="utf-8")
    outlines = {}
    for m in re.finditer(r'<g id="v\d+" class="node">(.*?)</g>\n</g>', svg, re.S):
        shapes = re.findall(r"<(path|polygon)([^>]*)>", m[1])
        name = "const" if "const" in m[1] else re.search(r'font-weight="bold"[^>]*>([^<]+)<', m[1])
        name = name if isinstance(name, str) else (name[1] if name else "?")
        outlines[name] = shapes
    assert outlines["w"][0][0] == outlines["w"][1][0] == "polygon"   # a parameter: a double square outline
    assert outlines["x"][0][0] == "path" and outlines["x"][1][0] != "path"  # an input: one rounded outline
    assert "stroke-dasharray" in outlines["const"][0][1]               # a constant: dashed
