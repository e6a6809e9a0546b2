// The Expression tab: sends the expression and values to Python, draws the reply.
import { showSVG } from "./draw.js";

export function setupExpression({ py, viz }) {
  const $ = (id) => document.getElementById(id);
  const exprInput = $("expression"), valuesInput = $("values"), errorBox = $("expr-error");
  const sliders = $("sliders"), graph = $("graph"), pathsBox = $("paths");
  const stepText = $("step-text"), stepResult = $("step-result"), counter = $("step-counter");
  const prev = $("step-prev"), next = $("step-next");
  const heading = $("steps-heading"), wrtSelect = $("wrt"), graphHelp = $("graph-help").textContent;
  const orderRadios = [...document.querySelectorAll("input[name=order]")];
  let view = null, step = 0, selected = null, timer = null;

  // Reverse (backprop) or forward mode from one input: Python walks the graph either way.
  function order() { return orderRadios.find((r) => r.checked)?.value || "reverse"; }
  function renderOrder(reply) {
    const names = reply.leaves.filter((l) => l.id).map((l) => l.name);
    if (wrtSelect.dataset.names !== names.join(",")) {
      wrtSelect.dataset.names = names.join(",");
      wrtSelect.replaceChildren(...names.map((name) => {
        const option = document.createElement("option");
        option.value = name;
        option.textContent = name;
        return option;
      }));
    }
    if (reply.wrt) wrtSelect.value = reply.wrt;
    wrtSelect.disabled = reply.mode !== "forward";
    heading.textContent = reply.heading;
    $("graph-help").textContent = reply.mode === "forward"
      ? `Each box shows a value's data and its tangent d(value)/d${reply.wrt} so far (\u2713 complete, ` +
        "\u25C0 updated by this step). Tab to a leaf (or click it) to see every path from it to the output."
      : graphHelp;
  }

  function clearMarks(cls) {
    for (const el of graph.querySelectorAll(`.${cls}`)) el.classList.remove(cls);
  }
  function mark(ids, cls) {
    for (const id of ids) graph.querySelector(`[id="${CSS.escape(id)}"]`)?.classList.add(cls);
  }

  // Forward mode: each box's last cell shows its tangent so far (given for the inputs, then step by step),
  // marked as the step page marks it: a check when complete, an arrow on the one this step updates.
  function paintTangents() {
    if (!view || view.mode !== "forward") return;
    const shown = {}, done = {};
    for (const [id, text] of view.seeds) { shown[id] = text; done[id] = true; }
    for (let k = 0; k < step; k++) {
      const [id, text, final] = view.steps[k].cell;
      shown[id] = text;
      if (final) done[id] = true;
    }
    const current = step > 0 ? view.steps[step - 1].cell[0] : null;
    for (const id of view.node_ids) {
      const texts = graph.querySelector(`[id="${id}"]`)?.querySelectorAll("text");
      if (!texts || !texts.length) continue;
      texts[texts.length - 1].textContent = `tangent ${id in shown ? shown[id] : "\u2013"}` +
        `${done[id] ? " \u2713" : ""}${id === current ? " \u25C0" : ""}`;
    }
  }

  function showStep() {
    const steps = view ? view.steps : [];
    paintTangents();
    clearMarks("step-edge"); clearMarks("step-node");
    counter.textContent = `step ${step} of ${steps.length}`;
    prev.disabled = step === 0;
    next.disabled = step >= steps.length;
    if (step === 0) {
      const start = view && view.mode === "forward"
        ? `Press Next step to start forward mode from ${view.wrt}: its tangent is 1, every other input's 0.`
        : "Press Next step to start the backward pass.";
      // the input chosen before the expression was edited may be gone: Python says which one it used
      stepText.textContent = steps.length ? (view && view.wrt_note ? `${view.wrt_note}. ${start}` : start) : "";
      stepResult.textContent = "";
      return;
    }
    const s = steps[step - 1];
    stepText.textContent = s.equation;
    // the last forward step ends on dL/dx: the gradient in the table
    stepResult.textContent = step === steps.length && view.end ? `${s.result}\n${view.end}` : s.result;
    mark([s.edge, s.out], "step-edge");
    mark([s.node, s.parent, s.op], "step-node");
  }

  function selectLeaf(name) {
    selected = name;
    clearMarks("on-path");
    const path = view && view.paths[name];
    if (!path) { pathsBox.textContent = "Select a leaf of the graph."; return; }
    mark([...path.nodes, ...path.edges], "on-path");
    pathsBox.textContent = path.explain;
  }

  function renderSliders(leaves) {
    const names = leaves.map((l) => l.name).join(",");
    if (sliders.dataset.names !== names) {
      sliders.dataset.names = names;
      sliders.replaceChildren(...leaves.map((leaf) => {
        const span = Math.max(5, Math.ceil(Math.abs(leaf.data) * 2));
        const box = document.createElement("div");
        box.className = "slider";
        box.innerHTML = `<label for="slider-${leaf.name}"></label>
          <input type="range" id="slider-${leaf.name}" data-testid="slider-${leaf.name}"
                 min="${-span}" max="${span}" step="0.01"><output for="slider-${leaf.name}"></output>`;
        box.querySelector("label").textContent = leaf.name;
        const input = box.querySelector("input");
        input.addEventListener("input", () => {
          box.querySelector("output").textContent = input.value;
          const parts = leaves.map((l) => `${l.name}=${l.name === leaf.name ? input.value
            : sliders.querySelector(`#slider-${CSS.escape(l.name)}`).value}`);
          valuesInput.value = parts.join(" ");
          schedule(0);
        });
        return box;
      }));
    }
    for (const leaf of leaves) {
      const input = sliders.querySelector(`#slider-${CSS.escape(leaf.name)}`);
      if (document.activeElement !== input) input.value = leaf.data;
      input.nextElementSibling.textContent = String(leaf.data);
    }
  }

  function renderTable(leaves) {
    const body = $("gradients").querySelector("tbody");
    body.replaceChildren(...leaves.map((leaf) => {
      const row = document.createElement("tr");
      row.innerHTML = `<th scope="row"></th><td></td><td></td>`;
      row.children[0].textContent = leaf.name;
      row.children[1].textContent = String(leaf.data);
      const grad = row.children[2];
      grad.textContent = typeof leaf.grad === "number" ? formatNumber(leaf.grad) : leaf.grad;
      grad.dataset.testid = `grad-${leaf.name}`;
      grad.dataset.value = String(leaf.grad);
      grad.title = leaf.grad_text;
      return row;
    }));
  }

  function update() {
    const mode = order();
    const reply = py("expression", { text: exprInput.value, values: valuesInput.value, mode,
                                     wrt: mode === "forward" && wrtSelect.value ? wrtSelect.value : null });
    if (!reply.ok) {
      errorBox.textContent = reply.error;
      errorBox.hidden = false;
      exprInput.setAttribute("aria-invalid", "true");
      return;
    }
    errorBox.hidden = true;
    exprInput.removeAttribute("aria-invalid");
    view = reply;
    $("value").textContent = reply.value_text;
    renderTable(reply.leaves);
    renderSliders(reply.leaves);
    renderOrder(reply);
    const svg = showSVG(viz, reply.dot, graph, reply.description);
    $("graph-desc").textContent = reply.description;
    for (const leaf of reply.leaves) {
      const g = leaf.id && svg.querySelector(`[id="${leaf.id}"]`);
      if (!g) continue;
      g.classList.add("leaf");
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", `${leaf.name} = ${leaf.data}, gradient ${leaf.grad}: show its paths to the output`);
      g.addEventListener("click", () => selectLeaf(leaf.name));
      g.addEventListener("focus", () => selectLeaf(leaf.name));
      g.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); selectLeaf(leaf.name); }
      });
    }
    step = Math.min(step, reply.steps.length);
    showStep();
    // forward mode from x: show x's paths, the edges its tangent flows along
    const leaf = reply.mode === "forward" ? reply.wrt : selected;
    selectLeaf(leaf && reply.paths[leaf] ? leaf : reply.leaves[0]?.name);
  }

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(update, ms);
  }

  exprInput.addEventListener("input", () => { step = 0; schedule(250); });
  for (const radio of orderRadios) radio.addEventListener("change", () => { step = 0; schedule(0); });
  wrtSelect.addEventListener("change", () => { step = 0; schedule(0); });
  valuesInput.addEventListener("input", () => schedule(250));
  $("expr-form").addEventListener("submit", (e) => { e.preventDefault(); schedule(0); });
  next.addEventListener("click", () => { if (view && step < view.steps.length) { step += 1; showStep(); } });
  prev.addEventListener("click", () => { if (step > 0) { step -= 1; showStep(); } });
  update();
}

export function formatNumber(x) {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}
