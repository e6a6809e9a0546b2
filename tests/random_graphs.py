"""Random expression graphs for property tests (``from random_graphs import grow``)."""

from typing import Any, Callable, List, Tuple

from hypothesis import strategies as st

from autograd import Value


def grow(draw: Any, most_leaves: int, most_nodes: int,
         extend: Callable[[Value, List[Value]], Value]) -> Tuple[List[Value], List[Value]]:
    """Draw 1 to ``most_leaves`` leaves ``x0, x1, ...`` in [-2, 2], then 1 to ``most_nodes`` nodes,
    each ``extend(a, pool)`` for a node ``a`` drawn from those so far. Returns ``(pool, leaves)``."""
    leaves = [Value(draw(st.floats(-2, 2)), label=f"x{i}") for i in range(draw(st.integers(1, most_leaves)))]
    pool = list(leaves)
    for _ in range(draw(st.integers(1, most_nodes))):
        a = draw(st.sampled_from(pool))
        pool.append(extend(a, pool))
    return pool, leaves
