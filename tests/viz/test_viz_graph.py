"""draw_graph: one box per Value, one node per op, kinds, colours, escaping, limits, missing dot."""

import os

import graphviz
import pytest
from viz_svg import all_text, by_id, groups, outline, parse, texts

from autograd import Value, topological_order
from autograd.demo import neuron
from viz import GraphvizNotFound, draw_graph, node_kind
from viz._render import NEGATIVE, POSITIVE, fmt


def counts(root):
    order = topological_order(root)
    ops = [v for v in order if not v.is_leaf]
    return len(order), len(ops), sum(len(v.parents) for v in order) + len(ops)


def test_neuron_svg_has_every_value_with_label_data_and_grad():
    o = neuron()  # tanh(x1*w1 + x2*w2 + b), backpropagated
    svg = parse(draw_graph(o).pipe(format="svg"))
    n_values, n_ops, n_edges = counts(o)
    assert (n_values, n_ops, n_edges) == (10, 5, 14)
    assert len(groups(svg, "node")) == n_values + n_ops
    assert len(groups(svg, "edge")) == n_edges
    ids = by_id(svg)
    for i, v in enumerate(topological_order(o)):
        lines = texts(ids[f"v{i}"])
        assert lines[-2:] == [f"data {fmt(v.data)}", f"grad {fmt(v.grad)}"], lines
        if v.label:
            assert lines[0] == v.label
        if not v.is_leaf:
            assert texts(ids[f"op{i}"]) == [v._fn.symbol]
    text = all_text(svg)
    for expected in ("x1", "w1", "x1*w1", "data 0.7071", "grad -1.5", "grad 0.5", "data 6.881", "tanh"):
        assert expected in text


def test_edges_follow_the_graph():
    x, y = Value(3.0, label="x"), Value(4.0, label="y")
    z = x * y + x
    z.label = "z"
    svg = parse(draw_graph(z).pipe(format="svg"))
    order = topological_order(z)
    index = {v: i for i, v in enumerate(order)}
    titles = {g.get("id"): "".join(g.find("{http://www.w3.org/2000/svg}title").itertext()) for g in groups(svg, "edge")}
    for v in order:
        for k, p in enumerate(v.parents):
            assert titles[f"e{index[v]}_{k}"] == f"v{index[p]}->op{index[v]}"
        if v.parents:
            assert titles[f"e{index[v]}"] == f"op{index[v]}->v{index[v]}"
    assert len(titles) == counts(z)[2] == 6


def test_parameters_inputs_and_constants_look_different():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    y = x * w + 1
    y.backward()
    svg = parse(draw_graph(y, params=[w]).pipe(format="svg"))
    ids = by_id(svg)
    order = topological_order(y)
    kinds = {node_kind(v, {w}): i for i, v in enumerate(order)}
    assert set(kinds) == {"parameter", "input", "constant", "computed"}
    fills = {kind: outline(ids[f"v{i}"]).get("fill") for kind, i in kinds.items()}
    assert len(set(fills.values())) == 4, fills
    strokes = {kind: outline(ids[f"v{i}"]).get("stroke-dasharray") for kind, i in kinds.items()}
    assert strokes["constant"] and not strokes["parameter"]  # constants are dashed
    assert "const" in texts(ids[f"v{kinds['constant']}"])
    legend = all_text(svg)
    for kind in ("parameter", "input", "constant", "computed"):
        assert kind in legend
    # a model (anything with .parameters()) works as params too
    class Model:
        def parameters(self):
            return [w]

    assert draw_graph(y, params=Model()).source == draw_graph(y, params=[w]).source


def test_without_params_leaves_are_plain_leaves_unless_labelled_like_module_parameters():
    x = Value(1.0, label="x")
    assert node_kind(x) == "leaf"
    assert node_kind(Value(1.0, label="layers.0.neurons.0.w.1")) == "parameter"
    assert node_kind(Value(1.0, label="layers.0.neurons.0.b")) == "parameter"


def test_color_by_grad_shades_by_sign():
    a, b = Value(1.0, label="a"), Value(3.0, label="b")
    y = a - b  # dy/da = 1, dy/db = -1
    y.backward()
    g = draw_graph(y, color_by="grad")
    ids = by_id(parse(g.pipe(format="svg")))
    fill_a = outline(ids["v1"] if topological_order(y)[1] is a else ids["v0"]).get("fill")
    fill_b = outline(ids["v0"] if topological_order(y)[0] is b else ids["v1"]).get("fill")

    def rgb(h):
        return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))

    assert rgb(fill_a)[2] > rgb(fill_a)[0]  # bluish: positive
    assert rgb(fill_b)[0] > rgb(fill_b)[2]  # reddish: negative
    assert "grad &gt; 0" in g.source and POSITIVE != NEGATIVE
    # sub's inputs are labelled a and b, in argument order
    svg = parse(g.pipe(format="svg"))
    edge_labels = {e.get("id"): texts(e) for e in groups(svg, "edge")}
    assert edge_labels["e2_0"] == ["a"] and edge_labels["e2_1"] == ["b"]


HOSTILE = 'a<b>&"c\\N\\G \\\\ x\nsecond line\x01'


def test_labels_are_escaped_and_the_svg_stays_valid_xml():
    x = Value(2.0, label=HOSTILE)
    y = x * 3
    y.label = "</text></svg><script>alert(1)</script>"
    y.backward()
    svg_text = draw_graph(y).pipe(format="svg", encoding="utf-8")
    svg = parse(svg_text)
    ids = by_id(svg)
    order = topological_order(y)
    ix = order.index(x)
    lines = texts(ids[f"v{ix}"])
    assert lines[0] == 'a<b>&"c\\N\\G \\\\ x'  # backslashes and \N are text, not Graphviz escapes
    assert lines[1] == "second line\\x01"
    assert texts(ids[f"v{order.index(y)}"])[0] == "</text></svg><script>alert(1)</script>"
    assert "<script" not in svg_text
    assert not list(svg.iter("{http://www.w3.org/2000/svg}script"))


def test_too_many_nodes_is_a_clear_error_before_any_drawing(monkeypatch):
    x = Value(1.0, label="x")
    y = x
    for _ in range(50_000):
        y = y + 1.0
    import viz.graph

    def never(*args, **kwargs):
        raise AssertionError("draw_graph started drawing a graph it refuses")

    monkeypatch.setattr(viz.graph, "_build", never)  # refused after counting, not after laying anything out
    with pytest.raises(ValueError) as err:
        draw_graph(y)
    monkeypatch.undo()
    message = str(err.value)
    assert "100001 Values" in message and "max_nodes=500" in message and "max_nodes=100001" in message
    small = x * 2
    with pytest.raises(ValueError, match="3 Values, more than max_nodes=2"):
        draw_graph(small, max_nodes=2)
    assert draw_graph(small, max_nodes=3).source.count("->") == 3
    assert draw_graph(small, max_nodes=None).source.count("->") == 3


def test_bad_arguments():
    x = Value(1.0)
    with pytest.raises(TypeError, match="root must be a Value, got float"):
        draw_graph(1.0)
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(x, rankdir="up")
    with pytest.raises(ValueError, match="color_by"):
        draw_graph(x, color_by="size")
    with pytest.raises(ValueError, match="max_nodes"):
        draw_graph(x, max_nodes=0)
    with pytest.raises(TypeError, match="params must hold Values"):
        draw_graph(x, params=[1.0])


def test_drawing_changes_nothing_and_rankdir_is_passed_on():
    o = neuron()
    before = [(v.data, v.grad, v.label) for v in topological_order(o)]
    g = draw_graph(o, rankdir="TB")
    assert "rankdir=TB" in g.source
    assert [(v.data, v.grad, v.label) for v in topological_order(o)] == before


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a directory without dot
    return tmp_path


def test_missing_dot_says_how_to_install_and_source_still_works(no_dot):
    g = draw_graph(neuron())
    assert "digraph" in g.source and "x1" in g.source
    for render in (lambda: g.pipe(format="svg"), lambda: g.render(str(no_dot / "n"), format="svg"),
                   lambda: g._repr_image_svg_xml()):
        with pytest.raises(GraphvizNotFound) as err:
            render()
        message = str(err.value)
        for hint in ("sudo apt-get install graphviz", "brew install graphviz", "conda install -c conda-forge graphviz",
                     ".source"):
            assert hint in message
        assert isinstance(err.value, graphviz.ExecutableNotFound) and isinstance(err.value, RuntimeError)
    assert os.environ["PATH"] == str(no_dot)
