"""Helpers for the viz tests: parse SVG and find what Graphviz drew."""

import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    """The SVG's root element (bytes or str); fails the test if it is not XML."""
    if isinstance(svg, str):
        svg = svg.encode("utf-8")
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg", root.tag
    return root


def groups(root, cls):
    """Every <g class="cls"> (Graphviz's nodes and edges)."""
    return [g for g in root.iter(SVG + "g") if g.get("class") == cls]


def by_id(root):
    return {el.get("id"): el for el in root.iter() if el.get("id")}


def texts(el):
    """The text lines drawn inside an element, in order."""
    return ["".join(t.itertext()) for t in el.iter(SVG + "text")]


def all_text(root):
    return "\n".join(texts(root))


def outline(el):
    """The first shape drawn for a node (its outline)."""
    for child in el.iter():
        if child.tag in (SVG + "polygon", SVG + "path", SVG + "ellipse"):
            return child
    raise AssertionError("no shape in element")
