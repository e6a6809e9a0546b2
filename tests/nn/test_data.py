"""Datasets: deterministic, the right shapes and labels, the right geometry; split and standardize."""

import math
import random

import pytest

from nn import data


@pytest.mark.parametrize("make", [
    lambda s: data.moons(n=50, seed=s), lambda s: data.circles(n=50, seed=s),
    lambda s: data.spiral(n=60, seed=s), lambda s: data.house_prices(n=40, seed=s),
    lambda s: data.xor(n=12, noise=0.1, seed=s),
], ids=["moons", "circles", "spiral", "house_prices", "xor"])
def test_same_seed_same_numbers_other_seed_other_numbers(make):
    assert make(0) == make(0)
    assert make(0) != make(1)
    assert make(random.Random(5)) == make(5)
    state = random.getstate()
    make(3)
    assert random.getstate() == state        # the global generator is left alone


def test_xor_truth_table():
    X, y = data.xor()
    assert X == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] and y == [0, 1, 1, 0]
    assert data.xor(labels=(-1, 1))[1] == [-1, 1, 1, -1]
    X, y = data.xor(n=40, noise=0.05, seed=2)
    for row, label in zip(X, y):
        corner = [round(v) for v in row]
        assert label == (corner[0] ^ corner[1])


def test_moons_geometry():
    X, y = data.moons(n=101, noise=0.0, shuffle=False)
    assert len(X) == 101 and y.count(0) == 50 and y.count(1) == 51
    for (a, b), label in zip(X, y):
        if label == 0:   # upper moon: the unit circle's top half
            assert math.hypot(a, b) == pytest.approx(1.0) and b >= -1e-12
        else:            # lower moon: centred on (1, 0.5), bottom half
            assert math.hypot(a - 1, b - 0.5) == pytest.approx(1.0) and b <= 0.5 + 1e-12
    assert data.moons(n=10, labels=(-1, 1))[1].count(-1) == 5


def test_moons_noise_has_the_stated_size():
    clean, _ = data.moons(n=2000, noise=0.0, seed=0, shuffle=False)
    noisy, _ = data.moons(n=2000, noise=0.1, seed=0, shuffle=False)
    diffs = [a - b for r, s in zip(noisy, clean) for a, b in zip(r, s)]
    std = math.sqrt(sum(d * d for d in diffs) / len(diffs))
    assert std == pytest.approx(0.1, rel=0.05)


def test_circles_geometry():
    X, y = data.circles(n=40, noise=0.0, factor=0.3, shuffle=False)
    assert [round(math.hypot(*r), 12) for r in X] == [1.0] * 20 + [0.3] * 20
    assert y == [0] * 20 + [1] * 20


def test_spiral():
    X, y = data.spiral(n=100, classes=4, noise=0.0, shuffle=False)
    assert [y.count(k) for k in range(4)] == [25, 25, 25, 25]
    # every point of arm k at radius r sits at angle 4 (k + r)
    arm = [row for row, label in zip(X, y) if label == 2]
    for i, (a, b) in enumerate(arm):
        r = i / 24
        assert math.hypot(a, b) == pytest.approx(r, abs=1e-12)
        if r > 0:
            assert (a, b) == pytest.approx((r * math.sin(4 * (2 + r)), r * math.cos(4 * (2 + r))))
    assert sorted(set(data.spiral(n=7, classes=3)[1])) == [0, 1, 2]
    with pytest.raises(ValueError, match="classes"):
        data.spiral(n=10, classes=1)


def test_house_prices():
    raw, y = data.house_prices(n=300, standardize=False, noise=0.0)
    for (size, rooms, age), price in zip(raw, y):
        assert 40 <= size <= 220 and 1 <= rooms <= 8 and 0 <= age <= 80
        assert price == pytest.approx(0.3 + 0.022 * size + 0.08 * rooms - 0.009 * age + 0.4 * math.exp(-age / 10))
    X, y2 = data.house_prices(n=300, noise=0.0)
    assert y2 == y
    for j in range(3):
        col = [row[j] for row in X]
        assert sum(col) / len(col) == pytest.approx(0.0, abs=1e-12)
        assert math.sqrt(sum(v * v for v in col) / len(col)) == pytest.approx(1.0)
    assert data.HOUSE_FEATURES == ("size_m2", "rooms", "age_years")


def test_split():
    X, y = list(range(20)), [v * 10 for v in range(20)]
    X_train, X_test, y_train, y_test = data.split(X, y, test_size=0.25, seed=1)
    assert len(X_train) == 15 and len(X_test) == 5
    assert sorted(X_train + X_test) == X
    assert [v * 10 for v in X_train] == y_train and [v * 10 for v in X_test] == y_test
    assert data.split(X, y, seed=1) == data.split(X, y, seed=1) != data.split(X, y, seed=2)
    assert data.split(X, y, test_size=3, shuffle=False)[1] == [0, 1, 2]
    assert len(data.split(X, y, test_size=0.01)[1]) == 1            # a fraction rounds up
    with pytest.raises(ValueError, match="rows of X but"):
        data.split([1, 2], [1])
    with pytest.raises(ValueError, match="leaves 20 of 20"):
        data.split(X, y, test_size=20)
    with pytest.raises(ValueError, match="between 0 and 1"):
        data.split(X, y, test_size=1.5)


def test_standardize():
    Xs, mean, std = data.standardize([[1.0, 5.0], [3.0, 5.0], [5.0, 5.0]])
    assert mean == [3.0, 5.0] and std == [math.sqrt(8 / 3), 1.0]
    assert [r[0] for r in Xs] == pytest.approx([-2 / math.sqrt(8 / 3), 0.0, 2 / math.sqrt(8 / 3)])
    with pytest.raises(ValueError, match="at least one row"):
        data.standardize([])


@pytest.mark.parametrize("call, message", [
    (lambda: data.moons(n=1), "n must be an int >= 2"),
    (lambda: data.moons(noise=-1), "noise must be a finite number >= 0"),
    (lambda: data.moons(labels=(1, 1)), "two different values"),
    (lambda: data.circles(factor=1.5), "factor must be a number between 0 and 1"),
    (lambda: data.xor(n=0), "n must be an int >= 1"),
])
def test_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_bad_seed():
    with pytest.raises(TypeError, match="seed must be"):
        data.moons(seed="x")
