"""``chainrule serve``: the playground on localhost.

The playground is a folder of static files (``make playground`` builds it into
``build/playground/``). Browsers refuse to run WebAssembly and ES modules from
``file://`` pages, so it needs a web server; this is the smallest one that
serves it right (``.wasm`` as ``application/wasm``, ``.mjs`` as JavaScript),
bound to the loopback address only.
"""

from __future__ import annotations

import functools
import http.server
import pathlib
import threading
import webbrowser
from typing import Any, Optional, Union

__all__ = ["site_dir", "make_server", "serve", "PlaygroundNotBuilt"]

_TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
          ".json": "application/json", ".whl": "application/zip", ".zip": "application/zip"}


class PlaygroundNotBuilt(FileNotFoundError):
    """The playground's folder has no ``index.html``: it has not been built."""


def site_dir() -> pathlib.Path:
    """Where ``make playground`` puts the site: ``build/playground`` in the checkout.

    >>> site_dir().parts[-2:]
    ('build', 'playground')
    """
    return pathlib.Path(__file__).resolve().parent.parent / "build" / "playground"


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **_TYPES}

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the terminal is the user's
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()


def make_server(directory: Union[str, pathlib.Path, None] = None, port: int = 0,
                host: str = "127.0.0.1") -> http.server.ThreadingHTTPServer:
    """A server for the playground folder (not yet running: call ``serve_forever``).

    ``port=0`` picks a free port (``server.server_address[1]`` says which).

    >>> import tempfile, pathlib
    >>> empty = tempfile.mkdtemp()
    >>> make_server(empty)
    Traceback (most recent call last):
    ...
    viz.serve.PlaygroundNotBuilt: chainrule serve: ... has no index.html; build the playground first with: ...
    """
    folder = pathlib.Path(directory) if directory is not None else site_dir()
    if not (folder / "index.html").is_file():
        raise PlaygroundNotBuilt(f"chainrule serve: {folder} has no index.html; "
                                 f"build the playground first with: make playground")
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"the port must be a number from 0 to 65535, got {port!r}")
    handler = functools.partial(_Handler, directory=str(folder))
    return http.server.ThreadingHTTPServer((host, port), handler)


def serve(directory: Union[str, pathlib.Path, None] = None, port: int = 8000, open_browser: bool = True,
          ready: Optional[threading.Event] = None) -> None:
    """Serve the playground on ``http://127.0.0.1:PORT/`` until interrupted, opening it in a browser."""
    server = make_server(directory, port)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"chainrule playground at {url}  (Ctrl+C stops it)", flush=True)
    if open_browser:
        threading.Timer(0.3, webbrowser.open, args=(url,)).start()
    if ready is not None:
        ready.set()
    try:
        server.serve_forever()
    finally:
        server.server_close()
