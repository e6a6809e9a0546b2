"""The Network tab (placeholder until the trainer lands)."""

from __future__ import annotations

__all__ = ["Trainer"]


class Trainer:
    """A training run in the playground."""
