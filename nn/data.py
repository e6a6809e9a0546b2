"""Small deterministic datasets, in pure Python (no numpy, no scikit-learn).

Each function returns ``(X, y)``: ``X`` a list of rows (lists of floats),
``y`` a list of labels or targets. The same ``seed`` always gives the same
numbers (the default seed is 0, so every call is reproducible).

Label conventions: the two-class sets (:func:`xor`, :func:`moons`,
:func:`circles`) label the classes ``0`` and ``1`` by default, which is what
``loss="bce"``/``"bce_logits"`` want; pass ``labels=(-1, 1)`` for micrograd's
demo (``hinge`` reads 0 as -1 anyway). :func:`spiral` gives class indices
``0 .. classes-1`` for ``loss="cross_entropy"``. :func:`house_prices` gives
prices in units of $100,000 for ``loss="mse"``.
"""

from __future__ import annotations

import math
import random
from typing import Any, List, Optional, Sequence, Tuple, Union

from .init import Seed, rng_from

__all__ = ["xor", "moons", "circles", "spiral", "house_prices", "split", "standardize", "HOUSE_FEATURES"]

Rows = List[List[float]]


def _check_n(who: str, n: Any, least: int = 1, name: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{who}() {name} must be an int >= {least}, got {type(n).__name__}: {n!r}")
    if n < least:
        raise ValueError(f"{who}() {name} must be an int >= {least}, got {n!r}")
    return n


def _check_noise(who: str, noise: Any) -> float:
    if isinstance(noise, bool) or not isinstance(noise, (int, float)):
        raise TypeError(f"{who}() noise must be a number >= 0, got {type(noise).__name__}: {noise!r}")
    if not 0 <= noise < math.inf:
        raise ValueError(f"{who}() noise must be a finite number >= 0, got {noise!r}")
    return float(noise)


def _two_labels(labels: Sequence[Any]) -> Tuple[Any, Any]:
    if not isinstance(labels, (tuple, list)) or len(labels) != 2 or labels[0] == labels[1]:
        raise ValueError(f"labels must be two different values (negative, positive), e.g. (0, 1), got {labels!r}")
    return labels[0], labels[1]


def _linspace(a: float, b: float, n: int, endpoint: bool = True) -> List[float]:
    if n == 1:
        return [a]
    d = (b - a) / (n - 1 if endpoint else n)
    return [a + i * d for i in range(n)]


def _finish(X: Rows, y: List[Any], noise: float, rng: random.Random, shuffle: bool) -> Tuple[Rows, List[Any]]:
    X = [[v + rng.gauss(0.0, noise) if noise else v for v in row] for row in X]
    if shuffle:
        order = list(range(len(X)))
        rng.shuffle(order)
        X, y = [X[i] for i in order], [y[i] for i in order]
    return X, y


def xor(n: int = 4, noise: float = 0.0, seed: Seed = 0, labels: Sequence[Any] = (0, 1)) -> Tuple[Rows, List[Any]]:
    """Exclusive or: the truth table (the XOR tutorial's training set), or ``n`` noisy copies.

    >>> xor()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    >>> X, y = xor(n=8, noise=0.1, labels=(-1, 1)); len(X), y
    (8, [-1, 1, 1, -1, -1, 1, 1, -1])
    """
    n, noise = _check_n("xor", n), _check_noise("xor", noise)
    neg, pos = _two_labels(labels)
    corners = [([0.0, 0.0], neg), ([0.0, 1.0], pos), ([1.0, 0.0], pos), ([1.0, 1.0], neg)]
    X = [list(corners[i % 4][0]) for i in range(n)]
    y = [corners[i % 4][1] for i in range(n)]
    return _finish(X, y, noise, rng_from(seed, "xor"), shuffle=False)


def moons(n: int = 100, noise: float = 0.1, seed: Seed = 0, labels: Sequence[Any] = (0, 1),
          shuffle: bool = True) -> Tuple[Rows, List[Any]]:
    """Two interleaving half circles (scikit-learn's ``make_moons`` construction).

    The upper moon (label ``labels[0]``) is ``(cos t, sin t)``, the lower one
    (``labels[1]``) is ``(1 - cos t, 0.5 - sin t)`` for ``t`` evenly spaced in
    ``[0, pi]``; then Gaussian noise of std ``noise`` is added and the rows shuffled.

    >>> X, y = moons(n=100, noise=0.1, seed=1)
    >>> len(X), sum(y), [round(v, 4) for v in X[0]]
    (100, 50, [-0.6918, 0.846])
    """
    n, noise = _check_n("moons", n, 2), _check_noise("moons", noise)
    neg, pos = _two_labels(labels)
    n_out = n // 2
    n_in = n - n_out
    X = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, math.pi, n_out)]
    X += [[1.0 - math.cos(t), 1.0 - math.sin(t) - 0.5] for t in _linspace(0.0, math.pi, n_in)]
    y = [neg] * n_out + [pos] * n_in
    return _finish(X, y, noise, rng_from(seed, "moons"), shuffle)


def circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: Seed = 0,
            labels: Sequence[Any] = (0, 1), shuffle: bool = True) -> Tuple[Rows, List[Any]]:
    """A circle of radius 1 (label ``labels[0]``) around one of radius ``factor``
    (``labels[1]``), as scikit-learn's ``make_circles``.

    >>> X, y = circles(n=10, noise=0.0, shuffle=False)
    >>> [round(math.hypot(*row), 6) for row in X]
    [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5]
    """
    n, noise = _check_n("circles", n, 2), _check_noise("circles", noise)
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 < factor < 1:
        raise ValueError(f"circles() factor must be a number between 0 and 1, got {factor!r}")
    neg, pos = _two_labels(labels)
    n_out = n // 2
    n_in = n - n_out
    X = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, 2 * math.pi, n_out, endpoint=False)]
    X += [[factor * math.cos(t), factor * math.sin(t)] for t in _linspace(0.0, 2 * math.pi, n_in, endpoint=False)]
    y = [neg] * n_out + [pos] * n_in
    return _finish(X, y, noise, rng_from(seed, "circles"), shuffle)


def spiral(n: int = 150, classes: int = 3, noise: float = 0.2, seed: Seed = 0,
           shuffle: bool = True) -> Tuple[Rows, List[int]]:
    """``classes`` interleaved spiral arms (CS231n's dataset), ``n`` points in all.

    Arm ``k`` has points at radius ``r`` from 0 to 1 and angle
    ``4 (k + r) + noise * N(0, 1)``, placed at ``(r sin angle, r cos angle)``;
    the labels are the class indices ``0 .. classes-1``.

    >>> X, y = spiral(n=150, classes=3)
    >>> len(X), sorted(set(y)), [y.count(k) for k in range(3)]
    (150, [0, 1, 2], [50, 50, 50])
    """
    n = _check_n("spiral", n)
    noise = _check_noise("spiral", noise)
    if isinstance(classes, bool) or not isinstance(classes, int) or not 2 <= classes <= n:
        raise ValueError(f"spiral() classes must be an int from 2 to n ({n}), got {classes!r}")
    rng = rng_from(seed, "spiral")
    X: Rows = []
    y: List[int] = []
    for k in range(classes):
        count = n // classes + (1 if k < n % classes else 0)
        for r in _linspace(0.0, 1.0, count):
            angle = 4.0 * (k + r) + (rng.gauss(0.0, noise) if noise else 0.0)
            X.append([r * math.sin(angle), r * math.cos(angle)])
            y.append(k)
    return _finish(X, y, 0.0, rng, shuffle)


#: The columns of :func:`house_prices`' X.
HOUSE_FEATURES = ("size_m2", "rooms", "age_years")


def house_prices(n: int = 200, noise: float = 0.2, seed: Seed = 0, standardize: bool = True,
                 ) -> Tuple[Rows, List[float]]:
    """Made-up house prices for regression (the house-prices tutorial's running example).

    Each house has a floor area ``size_m2`` (40 to 220), a number of ``rooms``
    (1 to 8, about one per 35 m^2) and an ``age_years`` (0 to 80). Its price in
    units of $100,000 (so 1.5 means $150,000) is::

        0.3 + 0.022 size + 0.08 rooms - 0.009 age + 0.4 exp(-age / 10) + noise * N(0, 1)

    a mostly linear rule plus a premium for new houses, which a straight line
    cannot fit. With ``standardize=True`` (the default) each feature column is
    scaled to mean 0 and standard deviation 1, which gradient descent needs;
    ``standardize=False`` gives the raw numbers. The noise (std 0.2, i.e.
    $20,000, variance 0.04) is the best any model can do on new houses.

    >>> X, y = house_prices(n=200)
    >>> len(X), len(X[0]), round(min(y), 2), round(max(y), 2)
    (200, 3, 0.23, 5.69)
    >>> raw, _ = house_prices(n=200, standardize=False); raw[0]
    [192.0, 6.0, 21.0]
    """
    n, noise = _check_n("house_prices", n, 2), _check_noise("house_prices", noise)
    rng = rng_from(seed, "house_prices")
    X: Rows = []
    y: List[float] = []
    for _ in range(n):
        size = float(round(rng.uniform(40.0, 220.0)))
        rooms = float(min(8, max(1, round(size / 35.0 + rng.gauss(0.0, 0.7)))))
        age = float(round(rng.uniform(0.0, 80.0)))
        price = 0.3 + 0.022 * size + 0.08 * rooms - 0.009 * age + 0.4 * math.exp(-age / 10.0)
        X.append([size, rooms, age])
        y.append(price + rng.gauss(0.0, noise))
    if standardize:
        X = _standardize(X, None, None)[0]
    return X, y


def standardize(X: Rows, mean: Optional[Sequence[float]] = None,
                std: Optional[Sequence[float]] = None) -> Tuple[Rows, List[float], List[float]]:
    """Scale each column to mean 0 and standard deviation 1; returns ``(X, mean, std)``.

    Pass the training set's ``mean`` and ``std`` to scale a test set the same
    way. A constant column (std 0) is only shifted.

    >>> Xs, mean, std = standardize([[1.0, 10.0], [3.0, 10.0]])
    >>> Xs, mean, std
    ([[-1.0, 0.0], [1.0, 0.0]], [2.0, 10.0], [1.0, 1.0])
    >>> standardize([[5.0, 10.0]], mean, std)[0]
    [[3.0, 0.0]]
    """
    return _standardize(X, mean, std)


def _standardize(X: Rows, mean: Optional[Sequence[float]],
                 std: Optional[Sequence[float]]) -> Tuple[Rows, List[float], List[float]]:
    if isinstance(X, (str, bytes)) or not hasattr(X, "__len__"):
        raise TypeError(f"standardize() X must be a list of rows of numbers, got {type(X).__name__}: {X!r}")
    if len(X) == 0:
        raise ValueError("standardize() X needs at least one row")
    for r, row in enumerate(X):
        if isinstance(row, (str, bytes)) or not hasattr(row, "__len__"):
            raise TypeError(f"standardize() X[{r}] must be a row of numbers, got {type(row).__name__}: {row!r}")
        for j, v in enumerate(row):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise TypeError(f"standardize() X[{r}][{j}] must be a number, got {type(v).__name__}: {v!r}")
            if not math.isfinite(v):
                raise ValueError(f"standardize() X[{r}][{j}] is {v!r}; data must be finite numbers")
    cols = len(X[0])
    if any(len(row) != cols for row in X):
        raise ValueError("standardize() X needs rows of equal length")
    for arg, given in (("mean", mean), ("std", std)):
        if given is None:
            continue
        if isinstance(given, (str, bytes)) or not hasattr(given, "__len__") or len(given) != cols:
            raise ValueError(f"standardize() {arg} must be {cols} numbers, one per column, got {given!r}")
        for j, v in enumerate(given):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise TypeError(f"standardize() {arg}[{j}] must be a number, got {type(v).__name__}: {v!r}")
            if not math.isfinite(v) or (arg == "std" and v <= 0):
                raise ValueError(f"standardize() {arg}[{j}] must be a finite number{' > 0' if arg == 'std' else ''}, "
                                 f"got {v!r}")
    if mean is None:
        mean = [math.fsum(row[j] for row in X) / len(X) for j in range(cols)]
    if std is None:
        std = [math.sqrt(math.fsum((row[j] - mean[j]) ** 2 for row in X) / len(X)) or 1.0 for j in range(cols)]
    if len(mean) != cols or len(std) != cols:
        raise ValueError(f"standardize() got {len(mean)} means and {len(std)} stds for {cols} columns")
    scaled = [[(row[j] - mean[j]) / std[j] for j in range(cols)] for row in X]
    return scaled, list(mean), list(std)


def split(X: Sequence[Any], y: Sequence[Any], test_size: Union[float, int] = 0.25, seed: Seed = 0,
          shuffle: bool = True) -> Tuple[List[Any], List[Any], List[Any], List[Any]]:
    """Split into ``X_train, X_test, y_train, y_test`` (scikit-learn's order).

    ``test_size`` is a fraction of the rows (rounded up) or a number of rows.
    The rows are shuffled first with ``seed`` unless ``shuffle=False``.

    >>> X_train, X_test, y_train, y_test = split([[0], [1], [2], [3]], [0, 1, 2, 3], test_size=0.25)
    >>> len(X_train), len(X_test), X_test, y_test
    (3, 1, [[2]], [2])
    """
    for arg, given in (("X", X), ("y", y)):
        if isinstance(given, (str, bytes)) or not hasattr(given, "__len__"):
            raise TypeError(f"split() {arg} must be a sequence, got {type(given).__name__}: {given!r}")
    if len(X) != len(y):
        raise ValueError(f"split() got {len(X)} rows of X but {len(y)} labels (y)")
    n = len(X)
    if isinstance(test_size, bool) or not isinstance(test_size, (int, float)):
        raise TypeError(f"split() test_size must be a fraction or a number of rows, got {test_size!r}")
    if isinstance(test_size, float):
        if not 0 < test_size < 1:
            raise ValueError(f"split() test_size as a fraction must be between 0 and 1, got {test_size!r}")
        n_test = math.ceil(test_size * n)
    else:
        n_test = test_size
    if not 0 < n_test < n:
        raise ValueError(f"split() test_size {test_size!r} leaves {n_test} of {n} rows for testing; need 1 to {n - 1}")
    order = list(range(n))
    if shuffle:
        rng_from(seed, "split").shuffle(order)
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]
