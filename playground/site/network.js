// The Network tab: Python trains and describes; this file draws the heat map, the loss curve and the
// network, and forwards clicks and settings.
import { showSVG } from "./draw.js";

const SVG_NS = "http://www.w3.org/2000/svg";
// Okabe-Ito orange (class 1) and blue (class 0): distinct under every common colour-vision deficiency.
const POS = [230, 159, 0], NEG = [0, 114, 178];

export function setupNetwork({ py, viz }) {
  const $ = (id) => document.getElementById(id);
  const errorBox = $("net-error"), time = $("net-time"), playButton = $("net-play");
  let view = null, latest = 0, playing = false, selectedUnit = null;
  const stepTimes = [];
  window.playgroundTimings.stepMs = NaN;

  function settings() {
    const hidden = $("net-hidden").value.trim().split(/[\s,]+/).filter(Boolean).map(Number);
    return {
      dataset: $("net-dataset").value, hidden, activation: $("net-activation").value, loss: $("net-loss").value,
      optimizer: $("net-optimizer").value, lr: Number($("net-lr").value), batch_size: Number($("net-batch").value),
    };
  }

  function fail(reply) {
    errorBox.textContent = reply.error;
    errorBox.hidden = false;
    return false;
  }

  function render(reply) {
    if (!reply.ok) return fail(reply);
    errorBox.hidden = true;
    view = reply;
    latest = Math.max(latest, reply.steps);
    time.max = String(latest);
    time.value = String(reply.step);
    $("net-time-out").textContent = String(reply.step);
    time.setAttribute("aria-valuetext", `step ${reply.step} of ${latest}`);
    $("net-stepno").textContent = String(latest);
    $("net-loss-value").textContent = Number(reply.loss).toPrecision(4);
    $("net-loss-value").dataset.value = String(reply.loss);
    $("net-accuracy").textContent = `${Math.round(reply.accuracy * 100)}%`;
    drawHeat(reply);
    drawCurve(reply);
    drawNetwork(reply);
    const list = $("net-warnings");
    list.replaceChildren(...(reply.warnings.length ? reply.warnings : [{ text: "None: every unit and layer looks healthy.", ok: true }])
      .map((w) => {
        const li = document.createElement("li");
        li.textContent = w.text;
        if (w.ok) li.className = "healthy";  // no warning mark on "nothing to warn about"
        return li;
      }));
    return true;
  }

  function drawHeat(reply) {
    const canvas = $("net-heat"), ctx = canvas.getContext("2d");
    const n = reply.grid, size = canvas.width, cell = size / n;
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const v = reply.heat[j * n + i], c = v >= 0 ? POS : NEG, a = Math.min(1, Math.abs(v)) * 0.75;
        const mix = c.map((k) => Math.round(255 + (k - 255) * a));
        ctx.fillStyle = `rgb(${mix.join(",")})`;
        ctx.fillRect(i * cell, j * cell, cell + 1, cell + 1);
      }
    }
    const [x0, x1, y0, y1] = reply.box;
    for (const [x, y, label] of reply.points) {
      const px = ((x - x0) / (x1 - x0)) * size, py_ = ((y1 - y) / (y1 - y0)) * size;
      ctx.beginPath();
      if (label === 1) { ctx.moveTo(px, py_ - 5); ctx.lineTo(px + 4.5, py_ + 3.5); ctx.lineTo(px - 4.5, py_ + 3.5); ctx.closePath(); }
      else ctx.arc(px, py_, 3.6, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${(label === 1 ? POS : NEG).join(",")})`;
      ctx.fill();
      ctx.lineWidth = 1.2;
      ctx.strokeStyle = "#1b1b1b";
      ctx.stroke();
    }
    canvas.setAttribute("aria-label", `Decision boundary at step ${reply.step}: ${reply.description}`);
  }

  function drawCurve(reply) {
    const svg = $("net-curve"), W = 300, H = 160, pad = 24;
    const losses = reply.loss_curve.map(Number).filter(Number.isFinite);
    const top = Math.max(...losses, 1e-9);
    const x = (i) => pad + (i / Math.max(1, reply.loss_curve.length - 1)) * (W - pad - 6);
    const y = (v) => H - pad - (Math.min(v, top) / top) * (H - pad - 8);
    const points = reply.loss_curve.map((v, i) => `${x(i).toFixed(1)},${y(Number(v)).toFixed(1)}`).join(" ");
    svg.innerHTML = `<title id="net-curve-title"></title>
      <line x1="${pad}" y1="${H - pad}" x2="${W - 4}" y2="${H - pad}" stroke="#555"/>
      <line x1="${pad}" y1="8" x2="${pad}" y2="${H - pad}" stroke="#555"/>
      <text x="${pad - 3}" y="14" text-anchor="end" font-size="10" fill="#333">${top.toPrecision(2)}</text>
      <text x="${pad - 3}" y="${H - pad}" text-anchor="end" font-size="10" fill="#333">0</text>
      <text x="${W - 4}" y="${H - 8}" text-anchor="end" font-size="10" fill="#333">step ${reply.loss_curve.length - 1}</text>
      <polyline points="${points}" fill="none" stroke="#005a9c" stroke-width="2"/>
      <circle cx="${x(reply.step)}" cy="${y(Number(reply.loss))}" r="4" fill="#b34700"/>`;
    svg.querySelector("title").textContent =
      `Loss curve: ${Number(reply.loss_curve[0]).toPrecision(3)} at step 0, ${Number(reply.loss).toPrecision(3)} at step ${reply.step}`;
  }

  function drawNetwork(reply) {
    const svg = showSVG(viz, reply.dot, $("net-graph"), reply.description);
    const warned = new Map(reply.warnings.filter((w) => w.unit).map((w) => [w.unit, w]));
    for (const g of svg.querySelectorAll("g.node")) {
      const m = /^n(\d+)_(\d+)$/.exec(g.id);
      if (!m) continue;
      const [layer, unit] = [Number(m[1]), Number(m[2])];
      const name = g.querySelector("text")?.textContent ?? g.id;
      g.classList.add("unit");
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      const warning = warned.get(g.id);
      g.setAttribute("aria-label", `unit ${name}${warning ? `, warning: ${warning.text}` : ""}: show its backward step`);
      if (warning) {
        g.classList.add("warned");
        const e = g.querySelector("ellipse");
        if (e) {
          const mark = document.createElementNS(SVG_NS, "text");
          mark.setAttribute("x", String(Number(e.getAttribute("cx")) + Number(e.getAttribute("rx")) - 2));
          mark.setAttribute("y", String(Number(e.getAttribute("cy")) - Number(e.getAttribute("ry")) + 4));
          mark.setAttribute("class", "warn-mark");
          mark.textContent = warning.kind === "dead" ? "⚠ dead" : "⚠ sat.";
          g.append(mark);
        }
      }
      if (selectedUnit === g.id) g.classList.add("selected");
      const pick = () => showUnit(layer, unit, g.id);
      g.addEventListener("click", pick);
      g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(); } });
    }
  }

  function showUnit(layer, unit, id) {
    selectedUnit = id;
    for (const g of $("net-graph").querySelectorAll("g.unit")) g.classList.toggle("selected", g.id === id);
    const reply = py("unit", { step: view ? view.step : 0, layer, unit });
    if (!reply.ok) return fail(reply);
    $("net-unit").textContent = [reply.head, ...reply.lines].join("\n");
  }

  function step(count = 1) {
    const reply = py("train", { steps: count });
    if (!reply.ok) { stop(); return fail(reply); }
    stepTimes.push(reply.step_ms);
    if (stepTimes.length > 20) stepTimes.shift();
    window.playgroundTimings.stepMs = [...stepTimes].sort((a, b) => a - b)[Math.floor(stepTimes.length / 2)];
    return render(reply);
  }

  function stop() {
    playing = false;
    playButton.textContent = "Play";
    playButton.setAttribute("aria-pressed", "false");
  }

  function loop() {
    if (!playing) return;
    // as many steps per frame as fit in about 100 ms of training, then one picture
    const ms = window.playgroundTimings.stepMs;
    const count = Number.isFinite(ms) && ms > 0 ? Math.max(1, Math.min(25, Math.floor(100 / ms))) : 1;
    if (!step(count)) return;
    setTimeout(loop, 0);
  }

  function reset() {
    stop();
    latest = 0;
    selectedUnit = null;
    $("net-unit").textContent = "Select a unit of the network.";
    const reply = py("network", settings());
    if (!reply.ok) { fail(reply); return; }
    render(reply);
  }

  $("net-form").addEventListener("submit", (e) => { e.preventDefault(); reset(); });
  for (const id of ["net-dataset", "net-activation", "net-loss", "net-optimizer", "net-lr", "net-batch"]) {
    $(id).addEventListener("change", reset);
  }
  $("net-step").addEventListener("click", () => { stop(); step(); });
  playButton.addEventListener("click", () => {
    if (playing) { stop(); return; }
    playing = true;
    playButton.textContent = "Pause";
    playButton.setAttribute("aria-pressed", "true");
    loop();
  });
  time.addEventListener("input", () => {
    stop();
    const reply = py("replay", { step: Number(time.value) });
    render(reply);
    if (selectedUnit) {
      const m = /^n(\d+)_(\d+)$/.exec(selectedUnit);
      showUnit(Number(m[1]), Number(m[2]), selectedUnit);
    }
  });
  let started = false;
  $("tab-network").addEventListener("tab-shown", () => { if (!started) { started = true; reset(); } });
}
