// The playground's boot and tabs. Python (chainrule under Pyodide) computes everything;
// this file loads it, forwards the user's input and draws what comes back.
import { loadPyodide } from "./vendor/pyodide/pyodide.mjs";
import { instance as vizInstance } from "./vendor/viz/viz.js";
import { setupExpression } from "./expression.js";
import { setupNetwork } from "./network.js";
import { setupExercises } from "./exercises.js";

const status = document.getElementById("status");
// when each part of the start was done, in ms since navigation (playground/measure.py reads them)
const boot = {};
window.playgroundTimings = { boot };

async function loadPython() {
  // fetch the wheels while Pyodide starts
  const wheels = fetch("wheels/manifest.json").then((r) => r.json()).then((manifest) =>
    Promise.all(manifest.wheels.map((name) => fetch(`wheels/${name}`).then((r) => r.arrayBuffer()))));
  const pyodide = await loadPyodide({ indexURL: new URL("./vendor/pyodide/", import.meta.url).href });
  boot.pyodide = performance.now();
  status.textContent = "Python is running; installing chainrule into it…";
  for (const buffer of await wheels) pyodide.unpackArchive(buffer, "wheel");
  boot.wheels = performance.now();
  const api = pyodide.pyimport("viz.playground.api");
  boot.imported = performance.now();
  // JSON in, JSON out: no Python object outlives a call.
  return (name, args = {}) => JSON.parse(api.call(name, JSON.stringify(args)));
}

function setupTabs() {
  const tabs = [...document.querySelectorAll("[role=tab]")];
  const select = (tab, focus) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) tab.focus();
    tab.dispatchEvent(new CustomEvent("tab-shown", { bubbles: true }));
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => select(tab, false));
    tab.addEventListener("keydown", (e) => {
      const move = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (move) { e.preventDefault(); select(tabs[(i + move + tabs.length) % tabs.length], true); }
      if (e.key === "Home") { e.preventDefault(); select(tabs[0], true); }
      if (e.key === "End") { e.preventDefault(); select(tabs[tabs.length - 1], true); }
    });
  });
  select(tabs[0], false);
}

async function main() {
  setupTabs();
  const started = performance.now();
  try {
    const [py, viz] = await Promise.all([loadPython(), vizInstance().then((v) => { boot.graphviz = performance.now(); return v; })]);
    const app = { py, viz };
    setupExpression(app);
    setupNetwork(app);
    setupExercises(app);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    status.textContent = `Ready: chainrule is running in this page (loaded in ${seconds} s).`;
    boot.ready = performance.now();
    document.body.dataset.ready = "true";
  } catch (err) {
    status.textContent = `The playground could not start: ${err}`;
    status.classList.add("error");
    throw err;
  }
}

main();
