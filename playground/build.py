"""Build the playground: a static site that runs chainrule itself in the browser.

``make playground`` runs this. It

1. installs Pyodide and ``@viz-js/viz`` from the npm registry exactly as
   ``package-lock.json`` pins them (``npm ci``) and copies the files the page
   loads into ``SITE/vendor/``;
2. builds chainrule's own wheel from this checkout, and fetches the pure-Python
   wheel of ``graphviz`` (the one dependency the browser path imports) from
   PyPI, into ``SITE/wheels/`` with a ``manifest.json`` naming them;
3. copies the page itself (``playground/site/``) into ``SITE``.

Nothing on the finished site comes from anywhere but ``SITE``: serve the folder
(``chainrule serve``) or publish it as it is.

    python playground/build.py [--out build/playground] [--skip-npm]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_OUT = ROOT / "build" / "playground"

#: The wheels the browser path needs besides chainrule's own (pure Python, pinned).
BROWSER_DEPENDENCIES = ["graphviz==0.21"]

#: Files copied from node_modules: (package directory, file, where it goes under vendor/).
VENDORED = [
    ("pyodide", "pyodide.mjs", "pyodide/pyodide.mjs"),
    ("pyodide", "pyodide.asm.js", "pyodide/pyodide.asm.js"),
    ("pyodide", "pyodide.asm.wasm", "pyodide/pyodide.asm.wasm"),
    ("pyodide", "python_stdlib.zip", "pyodide/python_stdlib.zip"),
    ("pyodide", "pyodide-lock.json", "pyodide/pyodide-lock.json"),
    ("@viz-js/viz", "dist/viz.js", "viz/viz.js"),
]


def run(cmd: list, cwd: pathlib.Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, cwd=cwd, check=True)


def npm_install(skip: bool) -> pathlib.Path:
    modules = HERE / "node_modules"
    if not skip or not modules.is_dir():
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("playground: npm is needed to fetch Pyodide and @viz-js/viz (apt-get install npm)")
        run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], HERE)
    return modules


def vendor(modules: pathlib.Path, out: pathlib.Path) -> None:
    for package, name, target in VENDORED:
        source = modules / package / name
        dest = out / "vendor" / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)


def wheels(out: pathlib.Path, python: str) -> list:
    dest = out / "wheels"
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        run([python, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp, str(ROOT)], ROOT)
        run([python, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "-d", tmp,
             *BROWSER_DEPENDENCIES], ROOT)
        names = sorted(p.name for p in pathlib.Path(tmp).glob("*.whl"))
        for name in names:
            shutil.copyfile(pathlib.Path(tmp) / name, dest / name)
    (dest / "manifest.json").write_text(json.dumps({"wheels": names}, indent=1) + "\n", encoding="utf-8")
    return names


def build(out: pathlib.Path = DEFAULT_OUT, python: str = sys.executable, skip_npm: bool = False) -> pathlib.Path:
    """Build the site into ``out`` (emptied first) and return it."""
    out = pathlib.Path(out).resolve()
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(HERE / "site", out)
    vendor(npm_install(skip_npm), out)
    names = wheels(out, python)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"playground: built {out} ({size / 1e6:.1f} MB; wheels: {', '.join(names)})")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="the folder to build into (emptied first)")
    parser.add_argument("--python", default=sys.executable, help="the Python whose pip builds the wheel")
    parser.add_argument("--skip-npm", action="store_true", help="reuse node_modules if it is there")
    args = parser.parse_args()
    build(pathlib.Path(args.out), args.python, args.skip_npm)


if __name__ == "__main__":
    main()
