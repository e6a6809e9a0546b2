"""Fixtures for tests/viz: the playground's built site on localhost (see playground_browser.py)."""

from playground_browser import playground_url, visit  # noqa: F401  (fixtures)
