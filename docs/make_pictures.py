"""Draw every picture the tutorials in docs/ show, into docs/pictures/ (``make docs``).

Each Graphviz picture is a function in :data:`GRAPHS` that returns a
``graphviz.Digraph``; it is written as ``NAME.svg`` with its DOT source beside
it as ``NAME.dot``. tests/test_pictures.py rebuilds every DOT source and
compares it with the committed one (SVG bytes vary with the Graphviz version,
the DOT source does not). Each matplotlib picture is a function in
:data:`FIGURES` that writes ``NAME.svg``.

Everything is deterministic: fixed seeds, no dates, no absolute paths. The
code here is the code the pages show; tests/test_tutorials.py checks that a
page's own code draws the committed picture.

    python docs/make_pictures.py            # every picture
    python docs/make_pictures.py neuron     # just these
"""

from __future__ import annotations

import pathlib
import sys
from typing import Callable, Dict

PICTURES = pathlib.Path(__file__).resolve().parent / "pictures"

#: name -> a function returning a graphviz.Digraph
GRAPHS: Dict[str, Callable[[], object]] = {}
#: name -> a function that writes an SVG file to the path it is given
FIGURES: Dict[str, Callable[[pathlib.Path], object]] = {}


def graph(name: str):
    def register(fn):
        GRAPHS[name] = fn
        return fn
    return register


def figure(name: str):
    def register(fn):
        FIGURES[name] = fn
        return fn
    return register


# --- chain-rule.md ---------------------------------------------------------------------------

def neuron_values():
    """The neuron of chain-rule.md, after backward()."""
    from autograd import Value

    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "s"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o, [w1, w2, b]


@graph("neuron")
def neuron():
    from viz import draw_graph

    o, params = neuron_values()
    return draw_graph(o, params=params)


# --- gradient-descent.md ----------------------------------------------------------------------

GD_X = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0], [1.0, -1.0], [-1.0, 2.0], [0.5, 0.5], [-2.0, -1.0]]
GD_Y = [2 * x1 - 3 * x2 for x1, x2 in GD_X]


@graph("gd-sample-graph")
def gd_sample_graph():
    from autograd import Value
    from viz import draw_graph

    W1, W2 = Value(0.0, label="W1"), Value(0.0, label="W2")
    x1, x2, y = Value(1.0, label="X1"), Value(0.0, label="X2"), Value(2.0, label="Y")
    F = W1 * x1 + W2 * x2
    F.label = "F"
    E = (F - y) ** 2
    E.label = "E"
    E.backward()
    return draw_graph(E, params=[W1, W2])


@figure("gd-epochs")
def gd_epochs(path):
    from autograd import Value
    from nn import Module, fit
    from viz import plot_loss

    class Formula(Module):
        def __init__(self):
            self.W1 = Value(0.0, label="W1")
            self.W2 = Value(0.0, label="W2")

        def forward(self, x):
            return self.W1 * x[0] + self.W2 * x[1]

    history = fit(Formula(), GD_X, GD_Y, loss="mse", lr=0.05, epochs=6, batch_size=1, shuffle=False, progress=False)
    return plot_loss(history, path, title="Per-sample gradient descent")


# --- regression-vs-classification.md ------------------------------------------------------------

@figure("loss-shapes")
def loss_shapes(path):
    from matplotlib.figure import Figure

    from autograd import Value
    from nn import losses

    def loss_at(make_loss, s):
        return make_loss(Value(s)).data

    curves = {
        "squared error": lambda s: losses.mse(s.sigmoid(), 1.0),
        "log-loss": lambda s: losses.bce_with_logits(s, 1),
        "hinge": lambda s: losses.hinge(s, 1),
    }
    scores = [i / 10 for i in range(-40, 41)]
    fig = Figure(figsize=(6.4, 3.6))
    ax = fig.add_subplot()
    for name, make_loss in curves.items():
        ax.plot(scores, [loss_at(make_loss, s) for s in scores], label=name)
    ax.set_xlabel("score s of a sample whose label is 1")
    ax.set_ylabel("loss")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, metadata={"Date": None})


def moons_model():
    """The moons classifier of regression-vs-classification.md, trained."""
    from nn import MLP, data, fit, optim

    X, y = data.moons(n=100, noise=0.1, seed=0)
    model = MLP(2, [8, 8, 1], activation="tanh", seed=0)
    fit(model, X, y, loss="bce_logits", optimizer=optim.Adam(model.parameters(), lr=0.02),
        epochs=20, batch_size=10, progress=False)
    return model, X, y


@figure("moons-boundary")
def moons_boundary(path):
    from viz import plot_decision_boundary

    model, X, y = moons_model()
    return plot_decision_boundary(model, X, y, path, title="Two moons, log-loss")


# --- house-prices.md ----------------------------------------------------------------------------

def house_data():
    from nn import data

    X, y = data.house_prices(n=200, noise=0.2)
    return data.split(X, y, test_size=0.25, seed=0)


@graph("house-gradient")
def house_gradient():
    from nn import MLP, losses
    from viz import draw_network

    X_train, _, y_train, _ = house_data()
    model = MLP(3, [4, 1], activation="tanh", seed=0)
    losses.mse(model(X_train[0]), y_train[0]).backward()
    return draw_network(model, show="grad", x=X_train[0])


@figure("house-learning-rates")
def house_learning_rates(path):
    from matplotlib.figure import Figure

    from nn import MLP, fit

    X_train, _, y_train, _ = house_data()
    fig = Figure(figsize=(6.4, 3.6))
    ax = fig.add_subplot()
    for lr in (0.01, 0.1, 0.6):
        history = fit(MLP(3, [1], seed=0), X_train, y_train, loss="mse", lr=lr, epochs=30, progress=False)
        ax.plot(range(1, 31), history.loss, label=f"lr = {lr}")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error (log scale)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, metadata={"Date": None})


@figure("house-loss")
def house_loss(path):
    from nn import MLP, fit
    from viz import plot_loss

    X_train, X_test, y_train, y_test = house_data()
    model = MLP(3, [4, 1], activation="tanh", seed=0)
    history = fit(model, X_train, y_train, loss="mse", lr=0.1, epochs=60,
                  validation_data=(X_test, y_test), progress=False)
    return plot_loss(history, path, title="House prices, 3-4-1 tanh network")


# --- xor-by-hand.md ------------------------------------------------------------------------------

def xor_step():
    """The XOR tutorial's network (it labels itself with the tutorial's names) after backward() on (0, 0)."""
    from autograd import Value
    from nn import tutorial_network

    model = tutorial_network()
    X1, X2, Y = Value(0.0, label="X1"), Value(0.0, label="X2"), Value(0.0, label="Y")
    Z1, Z2, Z3 = model.layers[0]([X1, X2])
    D0 = model.layers[1]([Z1, Z2, Z3])
    L = 0.5 * (D0 - Y) ** 2
    L.label = "L"
    L.backward()
    return model, L


@graph("xor-network")
def xor_network():
    from nn import tutorial_network
    from viz import draw_network

    return draw_network(tutorial_network(), x=[0.0, 0.0])


@graph("xor-gradient")
def xor_gradient():
    from viz import draw_network

    model, _ = xor_step()
    return draw_network(model, show="grad")


@graph("xor-loss-graph")
def xor_loss_graph():
    from viz import draw_graph

    model, L = xor_step()
    return draw_graph(L, params=model)


@graph("xor-trained")
def xor_trained():
    from nn import MLP, data, fit
    from viz import draw_network

    X, y = data.xor()
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    fit(model, X, y, loss="mse", lr=0.1, epochs=300, batch_size=1, shuffle=False, progress=False)
    return draw_network(model)


# --- to-pytorch.md -------------------------------------------------------------------------------

@graph("torch-xor-step")
def torch_xor_step():
    import torch

    from nn import MLP, tutorial_network
    from viz import draw_network

    net = tutorial_network().to_torch()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    prediction = net(torch.tensor([[0.0, 0.0]], dtype=torch.float64))
    (0.5 * (prediction - 0.0).pow(2).sum()).backward()
    opt.step()
    return draw_network(MLP.from_torch(net), x=[0.0, 0.0])


# --- four-ways.md -------------------------------------------------------------------------------

def neuron_of_w1(w1):
    """The neuron of chain-rule.md as a function of its weight w1 alone (x1 = 2, x2 = 0, w2 = 1)."""
    return (2.0 * w1 + 0.0 * 1.0 + 6.8813735870195432).tanh()


@figure("four-ways-step-size")
def four_ways_step_size(path):
    from viz import plot_step_size_errors

    return plot_step_size_errors(neuron_of_w1, -3.0, path, title="Finite differences of the neuron: do/dw1")


# --- writing -----------------------------------------------------------------------------------

def write(names=None) -> None:
    PICTURES.mkdir(exist_ok=True)
    wanted = set(names) if names else set(GRAPHS) | set(FIGURES)
    unknown = wanted - set(GRAPHS) - set(FIGURES)
    if unknown:
        raise SystemExit(f"make_pictures: no picture called {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(sorted(set(GRAPHS) | set(FIGURES)))}")
    for name in sorted(wanted):
        svg = PICTURES / f"{name}.svg"
        if name in GRAPHS:
            g = GRAPHS[name]()
            (PICTURES / f"{name}.dot").write_text(g.source, encoding="utf-8")
            svg.write_bytes(g.pipe(format="svg"))
        else:
            import matplotlib

            with matplotlib.rc_context({"svg.hashsalt": "chainrule", "svg.fonttype": "none"}):
                FIGURES[name](svg)
        print(f"wrote {svg.relative_to(PICTURES.parent.parent)}")


if __name__ == "__main__":
    write(sys.argv[1:])
