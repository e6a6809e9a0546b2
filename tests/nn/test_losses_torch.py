"""Every loss against PyTorch float64: the value and the gradient of every input."""

import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from autograd import Value  # noqa: E402
from nn import losses  # noqa: E402

REL = 1e-12


def values(xs):
    return [Value(x) for x in xs]


def tensor(xs):
    return torch.tensor(xs, dtype=torch.float64, requires_grad=True)


def check(ours, our_inputs, theirs, their_inputs):
    """Same loss value, and the same gradient for every input."""
    ours.backward()
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=REL, abs=1e-15)
    flat = [v for v in our_inputs]
    expected = their_inputs.grad.flatten().tolist()
    assert [v.grad for v in flat] == pytest.approx(expected, rel=REL, abs=1e-15)


SCORES = [0.3, -1.2, 2.5, 0.0, -0.01, 4.0]
BINARY = [1, 0, 1, 0, 1, 1]


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_mse(reduction):
    targets = [0.5, -1.0, 2.0, 0.25, 0.0, 3.5]
    ours_in, theirs_in = values(SCORES), tensor(SCORES)
    check(losses.mse(ours_in, targets, reduction=reduction), ours_in,
          F.mse_loss(theirs_in, torch.tensor(targets, dtype=torch.float64), reduction=reduction), theirs_in)


def test_mse_with_several_outputs_per_sample():
    outs = [[0.1, 0.2, 0.3], [1.0, -1.0, 0.5]]
    targets = [[0.0, 0.0, 1.0], [1.0, 1.0, 1.0]]
    ours_in = [[Value(x) for x in row] for row in outs]
    theirs_in = tensor(outs)
    check(losses.mse(ours_in, targets), [v for row in ours_in for v in row],
          F.mse_loss(theirs_in, torch.tensor(targets, dtype=torch.float64)), theirs_in)


@pytest.mark.parametrize("targets", [BINARY, [0.2, 0.9, 1.0, 0.0, 0.5, 0.7]], ids=["hard", "soft"])
def test_binary_cross_entropy_from_probabilities(targets):
    probs = [0.9, 0.2, 0.55, 0.01, 0.999, 0.5]
    ours_in, theirs_in = values(probs), tensor(probs)
    check(losses.binary_cross_entropy(ours_in, targets), ours_in,
          F.binary_cross_entropy(theirs_in, torch.tensor(targets, dtype=torch.float64)), theirs_in)


def test_binary_cross_entropy_through_a_sigmoid():
    ours_in, theirs_in = values(SCORES), tensor(SCORES)
    check(losses.binary_cross_entropy([v.sigmoid() for v in ours_in], BINARY), ours_in,
          F.binary_cross_entropy(torch.sigmoid(theirs_in), torch.tensor(BINARY, dtype=torch.float64)), theirs_in)


def test_binary_cross_entropy_clamps_the_log_at_minus_100_like_torch():
    probs, targets = [0.0, 1.0, 1e-50, 1e-30, 0.5], [1, 0, 1, 1, 1]
    ours = losses.binary_cross_entropy(values(probs), targets)
    theirs = F.binary_cross_entropy(torch.tensor(probs, dtype=torch.float64),
                                    torch.tensor(targets, dtype=torch.float64))
    assert ours.data == pytest.approx(theirs.item(), rel=REL)
    # -log(0) and -log(1e-50) = 115.1 are clamped to 100; -log(1e-30) = 69.08 is not
    assert ours.data == pytest.approx((100 + 100 + 100 + 30 * 2.302585092994046 + 0.6931471805599453) / 5, rel=REL)


@pytest.mark.parametrize("targets", [BINARY, [0.2, 0.9, 1.0, 0.0, 0.5, 0.7]], ids=["hard", "soft"])
def test_binary_cross_entropy_with_logits(targets):
    logits = SCORES + [40.0, -40.0]
    targets = targets + [0, 1]
    ours_in, theirs_in = values(logits), tensor(logits)
    check(losses.binary_cross_entropy(ours_in, targets, from_logits=True), ours_in,
          F.binary_cross_entropy_with_logits(theirs_in, torch.tensor(targets, dtype=torch.float64)), theirs_in)
    ours_in, theirs_in = values(logits), tensor(logits)
    check(losses.bce_with_logits(ours_in, targets, reduction="sum"), ours_in,
          F.binary_cross_entropy_with_logits(theirs_in, torch.tensor(targets, dtype=torch.float64),
                                             reduction="sum"), theirs_in)


@pytest.mark.parametrize("labels", [[1, -1, 1, -1, 1, 1], [1, 0, 1, 0, 1, 1]], ids=["pm1", "01"])
def test_hinge_is_micrograds_max_margin(labels):
    signs = [1.0 if t == 1 else -1.0 for t in labels]
    ours_in, theirs_in = values(SCORES), tensor(SCORES)
    theirs = torch.clamp(1 - torch.tensor(signs, dtype=torch.float64) * theirs_in, min=0).mean()
    check(losses.hinge(ours_in, labels), ours_in, theirs, theirs_in)


def test_hinge_equals_torch_margin_ranking_form():
    # relu(1 - y s) is torch's MarginRankingLoss(s, 0, y) with margin 1
    ours_in, theirs_in = values(SCORES), tensor(SCORES)
    y = torch.tensor([1.0, -1.0, 1.0, -1.0, 1.0, 1.0], dtype=torch.float64)
    theirs = F.margin_ranking_loss(theirs_in, torch.zeros(6, dtype=torch.float64), y, margin=1.0)
    check(losses.hinge(ours_in, [1, -1, 1, -1, 1, 1]), ours_in, theirs, theirs_in)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_batch(reduction):
    scores = [[1.0, 2.0, 3.0], [0.5, -0.5, 0.0], [-2.0, 4.0, 1.0], [0.0, 0.0, 0.0]]
    targets = [2, 0, 1, 1]
    ours_in = [[Value(x) for x in row] for row in scores]
    theirs_in = tensor(scores)
    check(losses.cross_entropy(ours_in, targets, reduction=reduction), [v for r in ours_in for v in r],
          F.cross_entropy(theirs_in, torch.tensor(targets), reduction=reduction), theirs_in)


def test_cross_entropy_one_sample_and_huge_scores():
    scores = [1000.0, -1000.0, 999.0]
    ours_in, theirs_in = values(scores), tensor([scores])
    check(losses.cross_entropy(ours_in, 2), ours_in, F.cross_entropy(theirs_in, torch.tensor([2])), theirs_in)


def test_l2():
    ws = [0.5, -1.5, 2.0, 0.0]
    ours_in, theirs_in = values(ws), tensor(ws)
    check(losses.l2(ours_in, alpha=1e-4), ours_in, 1e-4 * (theirs_in ** 2).sum(), theirs_in)


finite = st.floats(-30, 30, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(finite, min_size=3, max_size=3), min_size=1, max_size=5), st.data())
def test_cross_entropy_property(scores, data):
    targets = data.draw(st.lists(st.integers(0, 2), min_size=len(scores), max_size=len(scores)))
    ours_in = [[Value(x) for x in row] for row in scores]
    theirs_in = tensor(scores)
    ours = losses.cross_entropy(ours_in, targets)
    theirs = F.cross_entropy(theirs_in, torch.tensor(targets))
    ours.backward()
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-10, abs=1e-12)
    assert [v.grad for r in ours_in for v in r] == pytest.approx(theirs_in.grad.flatten().tolist(), abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(finite, st.floats(0, 1)), min_size=1, max_size=6))
def test_bce_with_logits_property(pairs):
    logits, targets = [p[0] for p in pairs], [p[1] for p in pairs]
    ours_in, theirs_in = values(logits), tensor(logits)
    ours = losses.bce_with_logits(ours_in, targets)
    theirs = F.binary_cross_entropy_with_logits(theirs_in, torch.tensor(targets, dtype=torch.float64))
    ours.backward()
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-10, abs=1e-12)
    assert [v.grad for v in ours_in] == pytest.approx(theirs_in.grad.tolist(), abs=1e-12)
