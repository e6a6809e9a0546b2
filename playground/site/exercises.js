// The Exercises tab: Python makes the exercise and diagnoses the answers; this file shows them.
import { showSVG } from "./draw.js";

export function setupExercises({ py, viz }) {
  const $ = (id) => document.getElementById(id);
  const answers = $("ex-answers"), feedback = $("ex-feedback"), errorBox = $("ex-error");

  function show(reply) {
    if (!reply.ok) { errorBox.textContent = reply.error; errorBox.hidden = false; return; }
    errorBox.hidden = true;
    document.body.dataset.exerciseSeed = String(reply.seed);
    $("ex-task").textContent = reply.task;
    $("ex-definitions").replaceChildren(...reply.definitions.map((d) => {
      const li = document.createElement("li"); li.textContent = d; return li;
    }));
    showSVG(viz, reply.dot, $("ex-graph"), reply.description);
    answers.replaceChildren(...reply.variables.map((name) => {
      const box = document.createElement("div");
      box.innerHTML = `<label></label><input type="text" inputmode="decimal"><span class="mark" aria-hidden="true"></span>`;
      const input = box.querySelector("input");
      input.id = `ex-answer-${name}`;
      input.dataset.testid = `exercise-answer-${name}`;
      input.dataset.name = name;
      const label = box.querySelector("label");
      label.htmlFor = input.id;
      label.textContent = `dL/d${name}`;
      return box;
    }));
    feedback.textContent = "";
    delete feedback.dataset.correct;
  }

  function newExercise() {
    show(py("exercise", { level: Number($("ex-level").value) }));
  }

  $("ex-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const given = {};
    for (const input of answers.querySelectorAll("input")) given[input.dataset.name] = input.value;
    const reply = py("check", { answers: given });
    if (!reply.ok) { errorBox.textContent = reply.error; errorBox.hidden = false; return; }
    errorBox.hidden = true;
    feedback.textContent = reply.feedback;
    feedback.dataset.correct = String(reply.correct);
    for (const input of answers.querySelectorAll("input")) {
      const r = reply.results[input.dataset.name];
      const mark = input.nextElementSibling;
      mark.textContent = !r ? "" : r.correct ? "✓ right" : r.missing ? "? missing" : "✗ not right";
      input.setAttribute("aria-invalid", String(Boolean(r && !r.correct)));
    }
  });
  $("ex-new").addEventListener("click", newExercise);
  $("ex-level").addEventListener("change", newExercise);
  let started = false;
  $("tab-exercises").addEventListener("tab-shown", () => { if (!started) { started = true; newExercise(); } });
}
