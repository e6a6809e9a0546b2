"""Exceptions raised by autograd beyond the built-in ones."""

from __future__ import annotations

__all__ = ["AnomalyError", "GradcheckError"]


class AnomalyError(FloatingPointError):
    """An op produced NaN or inf while :func:`~autograd.detect_anomaly` was on."""


class GradcheckError(AssertionError):
    """``gradcheck`` found an analytic gradient that disagrees with finite differences."""
