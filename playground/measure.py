"""Measure the built playground: its size and the time to ``data-ready`` in Chromium.

    python playground/measure.py [--runs 3]

Prints the site's size, the time from navigation to ``body[data-ready=true]``
(each run in a fresh browser context, so nothing is cached), and the browser's
own timing of training steps of the Network tab's default network.
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from viz.serve import make_server, site_dir  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    site = site_dir()
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    print(f"site: {site} {size / 1e6:.1f} MB")
    server = make_server(site, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    times, steps = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for _ in range(args.runs):
            context = browser.new_context()
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
            page = context.new_page()
            started = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("body[data-ready='true']", state="attached", timeout=120_000)
            times.append(time.perf_counter() - started)
            if page.query_selector("[data-testid=tab-network]"):
                page.click("[data-testid=tab-network]")
                page.wait_for_selector("[data-testid=loss]:not(:empty)")
                for _ in range(20):
                    page.click("[data-testid=train-step]")
                steps.append(float(page.evaluate("window.playgroundTimings?.stepMs ?? NaN")))
            context.close()
        browser.close()
    print("ready (s):", " ".join(f"{t:.1f}" for t in times), f"median {statistics.median(times):.1f}")
    if steps:
        print("training step (ms, median of the last 20):", " ".join(f"{t:.0f}" for t in steps))
    server.shutdown()


if __name__ == "__main__":
    main()
