"""Worksheets for a class, and grading what the students hand in.

:func:`write_worksheets` writes one printable page per student (the graph with
every grad box empty, the task in words, a table of boxes to fill) and
``answers.json``; :func:`grade` reads a CSV of the students' answers
(``student,name,value``) and marks each student with the diagnoses of
:mod:`autograd.exercises`. The same student number with the same seed and
level always gets the same sheet, however many students there are.
"""

from __future__ import annotations

import csv
import html
import json
import math
import pathlib
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from autograd import notation
from autograd.exercises import Exercise, make_exercise
from nn.io import PathLike

from ._render import PALETTE, svg
from .graph import _build, _check

__all__ = ["write_worksheets", "worksheet_html", "sheet_exercise", "grade", "grades_csv", "Grade"]


#: Written into every grad box of a worksheet's graph.
BLANK = "________"


def sheet_exercise(student: int, seed: int = 0, level: int = 1) -> Exercise:
    """The exercise on student ``student``'s sheet (the same for the same three numbers).

    >>> sheet_exercise(3, seed=7).expression == sheet_exercise(3, seed=7).expression
    True
    """
    for name, v in (("student", student), ("seed", seed), ("level", level)):
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(f"sheet_exercise() {name} must be an int, got {type(v).__name__}: {v!r}")
    if student < 1:
        raise ValueError(f"sheet_exercise() student must be 1 or more, got {student}")
    return make_exercise(seed * 1_000_003 + student, level)


def _graph_svg(ex: Exercise) -> str:
    """The graph with empty grad boxes, as inline SVG described for screen readers."""
    order = _check(ex.root, "LR", 200, None, who="worksheet")
    graph = _build(ex.root, order, "LR", None, None, True, 4,
                   grad_text=lambda v: "–" if v.is_constant else "1" if v is ex.root else BLANK)
    graph.describe(f"The computation graph of L = {ex.expression}",
                   "One box per value, with its name, its data and an empty grad box; arrows run from the inputs "
                   "through each operation to L. The table below lists the same boxes.")
    text = svg(graph)
    return text[text.index("<svg"):]


_CSS = """
:root { color-scheme: light dark; --text: TEXT; --muted: MUTED; --bg: #ffffff; --line: #333333;
        --focus: ACTIVE; }
@media (prefers-color-scheme: dark) {
  :root { --text: #f1f1f1; --muted: #c8c8c8; --bg: #161616; --line: #dddddd; --focus: #d7a6ff; }
  figure { background: #ffffff; }
}
* { animation: none !important; transition: none !important; }
body { font: 16px/1.5 system-ui, sans-serif; color: var(--text); background: var(--bg); margin: 2rem auto;
       max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
.who { color: var(--muted); margin-top: 0; }
.task { font-size: 1.15rem; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; }
figure { margin: 1rem 0; overflow-x: auto; border: 1px solid var(--line); padding: 0.5rem; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #1f1f1f; font-size: 0.9rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid var(--line); padding: 0.35rem 0.7rem; text-align: left; }
td.box { min-width: 9rem; height: 2rem; }
.name-line { margin: 1rem 0; }
.hint { color: var(--muted); }
button { font: inherit; padding: 0.4rem 0.9rem; border: 2px solid var(--line); border-radius: 4px;
         background: var(--bg); color: var(--text); cursor: pointer; }
button:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media print {
  body { margin: 0; max-width: none; color: #000000; background: #ffffff; }
  .no-print { display: none; }
  figure { border: none; page-break-inside: avoid; }
}
""".replace("TEXT", PALETTE["text"]).replace("MUTED", PALETTE["muted"]).replace("ACTIVE", PALETTE["active"])


def worksheet_html(ex: Exercise, student: int, seed: Optional[int] = None, level: Optional[int] = None) -> str:
    """One student's sheet as a self-contained, printable HTML page.

    >>> page = worksheet_html(sheet_exercise(1), student=1, seed=0, level=1)
    >>> page.startswith("<!doctype html>") and '<html lang="en">' in page and page.count("<h1>") == 1
    True
    """
    of = ex.root.label
    e = html.escape
    rows = []
    for name, v in reversed(list(ex.nodes.items())):  # the order the backward pass fills them: L first
        if v is ex.root:
            how = ex.definitions[name]
        elif v.is_leaf:
            how = "a variable"
        else:
            how = ex.definitions[name]
        d = notation.total(of, name)
        box = ('<td class="box">1 (given)</td>' if v is ex.root
               else f'<td class="box"><span class="sr-only">empty: write {e(d)} here</span></td>')
        rows.append(f"<tr><th scope=\"row\">{e(name)}</th><td>{e(how)}</td>"
                    f"<td>{e(notation.number(v.data, 4))}</td><td>{e(d)}</td>{box}</tr>")
    variables = ", ".join(ex.values)
    sheet = f"Student {student}" + (f" · seed {seed}" if seed is not None else "") + (
        f" · level {level}" if level is not None else "")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chain-rule worksheet, student {student}</title>
<style>{_CSS}</style>
</head>
<body>
<main>
<h1>Chain-rule worksheet</h1>
<p class="who">{e(sheet)}</p>
<p class="name-line">Name: ______________________________</p>
<h2>The task</h2>
<p class="task">{e(ex.task())}</p>
<p>Work backwards from {e(of)}, whose gradient {e(notation.total(of, of))} is 1. Along each edge, multiply
the gradient arriving from above by the local derivative; a node used more than once adds up the
contributions from all its uses. Write every gradient in its box, in the graph or in the table.</p>
<h2>The graph</h2>
<figure>
{_graph_svg(ex)}
<figcaption>Each box shows a value's name, its data and an empty grad box for you to fill.</figcaption>
</figure>
<h2>Your answers</h2>
<table>
<caption class="sr-only">Every value of the graph, the order to work in (from {e(of)} back to the variables
{e(variables)}), and a box for its gradient</caption>
<thead><tr><th scope="col">name</th><th scope="col">how it is made</th><th scope="col">data</th>
<th scope="col">gradient</th><th scope="col">your answer</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<p class="hint">Hand in one line per box you filled, as <code>student,name,value</code>, for example
<code>{student},{e(next(iter(ex.values)))},-1.5</code>.</p>
<p class="no-print"><button type="button" onclick="window.print()">Print this sheet</button></p>
</main>
</body>
</html>
"""


def write_worksheets(students: int, seed: int = 0, level: int = 1, out: PathLike = "worksheets") -> pathlib.Path:
    """Write ``student-001.html`` ... one page per student and ``answers.json`` into ``out``.

    ``answers.json`` is a list of ``{"student", "expression", "values", "gradients"}``,
    the expression in the command line's grammar and ``gradients`` each variable's
    dL/dvariable. Returns the directory.

    >>> import tempfile, json
    >>> d = write_worksheets(2, seed=1, out=tempfile.mkdtemp())
    >>> sorted(p.name for p in d.iterdir())
    ['answers.json', 'student-001.html', 'student-002.html']
    >>> [a["student"] for a in json.loads((d / "answers.json").read_text())]
    [1, 2]
    """
    if isinstance(students, bool) or not isinstance(students, int):
        raise TypeError(f"write_worksheets() students must be an int, got {type(students).__name__}: {students!r}")
    if not 1 <= students <= 10_000:
        raise ValueError(f"write_worksheets() students must be from 1 to 10000, got {students}")
    if isinstance(level, bool) or level not in (1, 2, 3):
        raise ValueError(f"write_worksheets() level must be 1, 2 or 3, got {level!r}")
    directory = pathlib.Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    answers = []
    for student in range(1, students + 1):
        ex = sheet_exercise(student, seed, level)
        (directory / f"student-{student:03d}.html").write_text(
            worksheet_html(ex, student, seed, level), encoding="utf-8")
        answers.append({"student": student, "expression": ex.expression, "values": ex.values,
                        "gradients": ex.answers()})
    (directory / "answers.json").write_text(json.dumps(answers, indent=1) + "\n", encoding="utf-8")
    return directory


# --- grading ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Grade:
    """One student's mark: ``right`` of ``total`` variables, and each wrong
    answer as (name, what is wrong: a misconception, ``missing`` or ``wrong``)."""

    student: int
    right: int
    total: int
    wrong: Tuple[Tuple[str, str], ...]

    def row(self) -> List[str]:
        """The CSV row: student, score, wrong answers."""
        return [str(self.student), f"{self.right}/{self.total}", "; ".join(f"{n} ({why})" for n, why in self.wrong)]


def _load_answers(path: PathLike) -> Dict[int, Exercise]:
    try:
        data = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"grade(): {path} is not JSON: {err}") from None
    if not isinstance(data, list):
        raise ValueError(f"grade(): {path} must hold a list of sheets, got {type(data).__name__}")
    sheets: Dict[int, Exercise] = {}
    for i, item in enumerate(data):
        where = f"grade(): {path}, sheet {i + 1}"
        if not isinstance(item, dict) or not {"student", "expression", "values", "gradients"} <= set(item):
            raise ValueError(f"{where} needs the keys student, expression, values and gradients")
        student = item["student"]
        if isinstance(student, bool) or not isinstance(student, int):
            raise ValueError(f"{where}: student must be an int, got {student!r}")
        if not isinstance(item["values"], dict) or not isinstance(item["gradients"], dict):
            raise ValueError(f"{where}: values and gradients must be objects of names to numbers")
        ex = Exercise(item["expression"], item["values"])
        for name, g in ex.answers().items():
            stored = item["gradients"].get(name)
            if not isinstance(stored, (int, float)) or not math.isclose(stored, g, rel_tol=1e-9, abs_tol=1e-12):
                raise ValueError(f"{where}: the gradient of {name} is {stored!r} in the file but {g!r} computed "
                                 f"from the expression; the file was changed or made by another version")
        sheets[student] = ex
    return sheets


def grade(answers: PathLike, responses: PathLike) -> Tuple[List[Grade], List[str]]:
    """Mark every student of ``answers`` (an ``answers.json``) from ``responses``
    (a CSV with the columns ``student,name,value``; a header line is optional).

    Returns the grades (one per student in ``answers``, in order) and a list of
    problems, one per malformed row, naming its line. A malformed row is skipped:
    its student is still graded, on the other rows.

    >>> import tempfile, pathlib
    >>> d = write_worksheets(1, seed=0, level=1, out=tempfile.mkdtemp())
    >>> x = next(iter(sheet_exercise(1).values))
    >>> _ = (d / "r.csv").write_text(f"student,name,value\\n1,{x},oops\\n")
    >>> grades, problems = grade(d / "answers.json", d / "r.csv")
    >>> grades[0].right, problems
    (0, ["line 2: the value 'oops' is not a number (row skipped)"])
    """
    sheets = _load_answers(answers)
    given: Dict[int, Dict[str, float]] = {s: {} for s in sheets}
    problems: List[str] = []
    with open(responses, newline="", encoding="utf-8-sig") as f:
        for number, row in enumerate(csv.reader(f), 1):
            if not row or all(not c.strip() for c in row):
                continue
            cells = [c.strip() for c in row]
            if number == 1 and [c.lower() for c in cells] == ["student", "name", "value"]:
                continue
            problem = _read_row(cells, sheets, given)
            if problem:
                problems.append(f"line {number}: {problem} (row skipped)")
    grades = []
    for student, ex in sheets.items():
        feedback = ex.check(given[student])
        wrong = tuple((n, "missing" if r.missing else (r.misconception or "wrong"))
                      for n, r in feedback.results.items() if not r.correct)
        right = sum(feedback.results[n].correct for n in ex.values)
        grades.append(Grade(student, right, len(ex.values), wrong))
    return grades, problems


def _read_row(cells: List[str], sheets: Dict[int, Exercise], given: Dict[int, Dict[str, float]]) -> str:
    """Record one row's answer; return what is wrong with it ('' when nothing)."""
    if len(cells) != 3:
        return f"expected 3 columns (student,name,value), got {len(cells)}"
    student_text, name, value_text = cells
    try:
        student = int(student_text)
    except ValueError:
        return f"the student {student_text!r} is not a whole number"
    if student not in sheets:
        return f"there is no sheet for student {student}"
    ex = sheets[student]
    if name not in ex.nodes:
        return f"student {student}'s sheet has no {name!r} (its names are {', '.join(ex.nodes)})"
    try:
        value = float(value_text)
    except ValueError:
        return f"the value {value_text!r} is not a number"
    if not math.isfinite(value):
        return f"the value {value_text!r} is not a finite number"
    if name in given[student] and given[student][name] != value:
        return f"a second, different answer for student {student}'s {name}"
    given[student][name] = value
    return ""


def grades_csv(grades: List[Grade]) -> List[List[str]]:
    """The rows ``chainrule grade`` prints: a header, then one row per student."""
    return [["student", "score", "wrong"]] + [g.row() for g in grades]
