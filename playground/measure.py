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


def _tree_cpu_seconds(marker: str) -> float:
    """CPU time (user + system) of the Chromium started with ``marker`` in its command line, children included.

    On a machine shared with other work, wall-clock time says more about the other work than about
    the page; the CPU time the browser spent is what the page itself costs."""
    procs = {}
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmd = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        procs[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]), marker.encode() in cmd)
    roots = {pid for pid, (_, _, mine) in procs.items() if mine}
    total, changed = 0, True
    family = set(roots)
    while changed:
        changed = False
        for pid, (ppid, _, _) in procs.items():
            if ppid in family and pid not in family:
                family.add(pid)
                changed = True
    total = sum(procs[pid][1] for pid in family)
    import os

    return total / os.sysconf("SC_CLK_TCK")


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
    times, cpu, steps = [], [], []
    with sync_playwright() as p:
        marker = f"--chainrule-measure-{time.time_ns()}"
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS + [marker])
        for _ in range(args.runs):
            context = browser.new_context()
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
            page = context.new_page()
            page.goto("about:blank")
            before = _tree_cpu_seconds(marker)
            started = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("body[data-ready='true']", state="attached", timeout=120_000)
            times.append(time.perf_counter() - started)
            cpu.append(_tree_cpu_seconds(marker) - before)
            boot = page.evaluate("window.playgroundTimings.boot")
            print("  ready after (s):", ", ".join(f"{k} {v / 1000:.1f}" for k, v in boot.items()))
            page.click("[data-testid=tab-network]")
            page.wait_for_selector("[data-testid=loss]:not(:empty)")
            for batch in ("10", "100"):
                page.select_option("[data-testid=net-batch]", batch)  # a new 2-8-8-1 network
                page.wait_for_function("document.querySelector('[data-testid=step-number]').textContent === '0'")
                for _ in range(20):
                    page.click("[data-testid=train-step]")
                page.wait_for_function("document.querySelector('[data-testid=step-number]').textContent === '20'")
                steps.append((batch, float(page.evaluate("window.playgroundTimings.stepMs"))))
            context.close()
        browser.close()
    print("ready (s):", " ".join(f"{t:.1f}" for t in times), f"median {statistics.median(times):.1f}")
    print("CPU time Chromium spent getting ready (s):", " ".join(f"{t:.1f}" for t in cpu),
          f"median {statistics.median(cpu):.1f}")
    for batch in ("10", "100"):
        ms = [t for b, t in steps if b == batch]
        print(f"training step, batch {batch} of 100 points (ms, median of 20 per run):",
              " ".join(f"{t:.1f}" for t in ms))
    server.shutdown()


if __name__ == "__main__":
    main()
