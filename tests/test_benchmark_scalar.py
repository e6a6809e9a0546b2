"""The scalar workload's systems in benchmarks/scalar.py compute the same gradients
(``make bench`` times them; this only checks that what it times is right)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import scalar  # noqa: E402


@pytest.mark.parametrize("n_ops", [40, 200])
def test_every_system_gives_the_same_gradients(n_ops):
    first = scalar.inputs()
    want = scalar.FlatInterpreter(len(first), n_ops).run(first)
    assert any(g != 0.0 for g in want)
    for got in (scalar.naive_tape_run(first, n_ops), scalar.chainrule_plain_run(first, n_ops),
                scalar.chainrule_tape(first, n_ops)[0](), scalar.ceiling(len(first), n_ops)(first),
                scalar.ceiling(len(first), n_ops, fused=False)(first)):
        assert got == pytest.approx(want, rel=1e-12, abs=1e-300)


def test_the_floor_builds_the_same_graph():
    first = scalar.inputs()
    leaves, root = scalar.chainrule_graph(first, 200)
    from autograd.engine import graph_order

    assert scalar.value_floor_run(first, 200) == len(graph_order(root))
