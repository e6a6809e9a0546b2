"""Shared test helpers: one headless Chromium for the whole run, and pages opened in it offline.

``browser`` launches Debian's Chromium (``/usr/bin/chromium``; no browser is ever downloaded) once per
run; ``open_page(path_or_url)`` opens a page in a fresh context with the network off, records every
request, console error and page error, and closes the context after the test. The accessibility
helpers that go with them are in ``tests/a11y.py`` (``from a11y import assert_accessible``).
"""

from __future__ import annotations

import os
import pathlib
import sys
from typing import Any, Callable, Iterator, List, Optional

import pytest

sys.path.insert(0, os.path.dirname(__file__))  # so that every test can `import a11y`

from a11y import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

try:  # property tests draw the same examples on every run, so CI and a developer see the same cases;
    # HYPOTHESIS_PROFILE=explore draws new ones each run (a campaign: with CHAINRULE_FUZZ_EXAMPLES=20000).
    from hypothesis import settings as _hypothesis

    _hypothesis.register_profile("repeatable", derandomize=True)
    _hypothesis.register_profile("explore", derandomize=False)
    _hypothesis.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    pass


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, shared by every browser test of the run."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """``open_page(target, wait_for=None, offline=True, **context_options)``: a Playwright Page.

    ``target`` is a file path (opened as ``file://``) or a URL. ``wait_for`` is a CSS selector to wait
    for. ``context_options`` go to ``browser.new_context`` (``viewport``, ``color_scheme``,
    ``reduced_motion``, ``device_scale_factor``, ...). The page gets ``page.requests`` (every URL
    requested) and ``page.errors`` (console errors and uncaught exceptions).
    """
    contexts: List[Any] = []

    def open_(target: Any, wait_for: Optional[str] = None, offline: bool = True, **options: Any) -> Any:
        context = browser.new_context(**options)
        contexts.append(context)
        if offline:
            context.set_offline(True)
        page = context.new_page()
        requests: List[str] = []
        errors: List[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        url = target if isinstance(target, str) and "://" in target else pathlib.Path(target).resolve().as_uri()
        page.goto(url)
        if wait_for:
            page.wait_for_selector(wait_for)
        page.requests, page.errors = requests, errors
        return page

    yield open_
    for c in contexts:
        c.close()


def pytest_report_header(config: Any) -> str:
    return f"browser tests: {CHROMIUM} {'found' if os.path.exists(CHROMIUM) else 'missing (they will be skipped)'}"
