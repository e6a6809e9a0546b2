"""explain(root, wrt=x) at singular points, with labels that break tables, and in linear time."""

import math

from autograd import Value, explain


def test_inf_minus_inf_is_explained_not_a_raw_fsum_error_nor_a_blamed_op_table():
    x = Value(3.0, label="x")
    y = (x - x).sqrt()
    y.label = "y"
    y.backward()
    text = explain(y, wrt=x)
    assert math.isnan(x.grad)
    assert "inf · 1.0 = inf" in text and "inf · (-1.0) = -inf" in text
    assert text.splitlines()[-1] == "dy/dx = inf − inf = nan, which is x.grad"
    assert "bug" not in text


def test_a_masked_path_is_zero_as_backward_gives():
    x = Value(-1.0, label="x")
    y = x.relu().sqrt()
    y.label = "y"
    y.backward()
    assert x.grad == 0.0
    assert explain(y, wrt=x).splitlines()[-1] == "dy/dx = 0.0, which is x.grad"


def test_backward_nan_and_products_nan_agree():
    x = Value(0.0, label="x")
    y = x.abs().sqrt()
    y.label = "y"
    y.backward()
    assert math.isnan(x.grad)
    assert explain(y, wrt=x).splitlines()[-1] == "dy/dx = nan, which is x.grad"


def test_markdown_rows_survive_labels_with_newlines():
    x = Value(2.0, label="x\nnew | line")
    y = x * x
    y.label = "y"
    y.backward()
    import re

    text = explain(y, wrt=x, format="markdown")
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table) == 2 + 2  # header, rule, one row per path (x*x has two)
    assert all(len(re.split(r"(?<!\\)\|", line)) == 4 for line in table)  # two cells in every row
    assert len(text.splitlines()) == 2 + len(table) + 2  # heading, blank, table, blank, total


def test_a_long_chain_is_explained_in_linear_time():
    import time

    def seconds(n):
        x = Value(1.0, label="x")
        v = x
        for _ in range(n):
            v = v * 1.0
        v.label = "L"
        start = time.perf_counter()
        text = explain(v, wrt=x)
        assert text.splitlines()[-1] == "dL/dx = 1, which is x.grad" or "dL/dx = 1" in text
        return time.perf_counter() - start

    small, large = seconds(2000), seconds(8000)
    assert large < 12 * small + 1.0  # 4x the nodes: about 4x the time, far from the 16x of quadratic
