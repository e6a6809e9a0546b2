"""Fixtures for the playground's browser tests: the built site on a localhost
server, and Chromium with every request that is not to that server blocked."""

import pathlib
import sys
import threading
import time
import urllib.parse

import pytest

from viz.serve import make_server, site_dir

ROOT = pathlib.Path(__file__).resolve().parents[2]
READY_TIMEOUT_MS = 60_000  # generous for a loaded CI machine; the README reports the measured time


def _stale(site: pathlib.Path) -> bool:
    """Missing, or older than a source it is built from (the page, or the Python in the wheel)."""
    stamp = site / "wheels" / "manifest.json"
    if not (site / "index.html").is_file() or not stamp.is_file():
        return True
    built = stamp.stat().st_mtime
    sources = [ROOT / "playground" / "site", ROOT / "autograd", ROOT / "nn", ROOT / "viz"]
    return any(p.stat().st_mtime > built for folder in sources for p in folder.rglob("*")
               if p.is_file() and p.suffix in (".py", ".js", ".html", ".css"))


def built_site() -> pathlib.Path:
    """The site ``make playground`` built; (re)built here if it is missing or stale (needs npm and pip)."""
    site = site_dir()
    if _stale(site):
        sys.path.insert(0, str(ROOT / "playground"))
        try:
            import build  # playground/build.py
        finally:
            sys.path.pop(0)
        build.build(site, skip_npm=True)
    return site


@pytest.fixture(scope="session")
def playground_url():
    server = make_server(built_site(), port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class Visit:
    """A page of the playground, with what it asked the network for and what it logged as errors."""

    def __init__(self, browser, url):
        host = urllib.parse.urlsplit(url).netloc
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.requests, self.blocked, self.errors = [], [], []

        def route(r):
            if urllib.parse.urlsplit(r.request.url).netloc == host:
                self.requests.append(r.request.url)
                r.continue_()
            else:  # nothing but the local server: no CDN, no registry
                self.blocked.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}")
                     if m.type == "error" else None)
        started = time.perf_counter()
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready='true']", state="attached", timeout=READY_TIMEOUT_MS)
        self.seconds_to_ready = time.perf_counter() - started

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def visit(browser, playground_url):
    """The playground, loaded once per test module (loading Python takes seconds)."""
    v = Visit(browser, playground_url)
    yield v
    v.close()
