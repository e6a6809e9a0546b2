"""Worksheets for a class and grading: the files, the same sheet per student, the CSV, a11y in Chromium."""

from __future__ import annotations

import csv
import io
import json

import pytest

from autograd.exercises import Exercise
from viz.cli import main
from viz.worksheet import BLANK, grade, sheet_exercise, write_worksheets

pytestmark = pytest.mark.skipif(__import__("shutil").which("dot") is None, reason="Graphviz's dot is missing")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_one_sheet_per_student_and_answers_json(tmp_path, capsys):
    code, out, _ = run(capsys, "worksheet", "--students", "3", "--seed", "5", "--level", "2", "--out", str(tmp_path))
    assert code == 0 and "wrote 3 worksheets" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "answers.json", "student-001.html", "student-002.html", "student-003.html"]
    answers = json.loads((tmp_path / "answers.json").read_text())
    assert [sorted(a) for a in answers] == [["expression", "gradients", "student", "values"]] * 3
    for a in answers:
        ex = sheet_exercise(a["student"], seed=5, level=2)
        assert (a["expression"], a["values"], a["gradients"]) == (ex.expression, ex.values, ex.answers())
        again = Exercise.from_expression(a["expression"], **a["values"])     # the CLI grammar, parsed back
        assert again.answers() == a["gradients"]
        page = (tmp_path / f"student-{a['student']:03d}.html").read_text()
        assert '<html lang="en">' in page and page.count("<h1>") == 1
        assert f"<title>Chain-rule worksheet, student {a['student']}</title>" in page
        assert ex.task().replace("'", "&#x27;") in page
        picture = page[page.index("<svg"):page.index("</svg>")]
        assert picture.count(BLANK) == len(ex.nodes) - 1           # an empty grad box for every Value but L
        assert f"empty: write dL/d{next(iter(ex.values))} here" in page
        assert '<svg' in page and 'role="img"' in page and "<title>The computation graph of L = " in page


def test_the_same_student_number_gets_the_same_sheet(tmp_path):
    a = write_worksheets(2, seed=9, level=3, out=tmp_path / "a")
    b = write_worksheets(6, seed=9, level=3, out=tmp_path / "b")
    assert (a / "student-002.html").read_bytes() == (b / "student-002.html").read_bytes()
    assert (b / "student-002.html").read_bytes() != (b / "student-003.html").read_bytes()
    other = write_worksheets(2, seed=10, level=3, out=tmp_path / "c")
    assert (other / "student-002.html").read_bytes() != (a / "student-002.html").read_bytes()


def test_grade_marks_everyone_and_reports_malformed_rows_by_line(tmp_path, capsys):
    d = write_worksheets(3, seed=2, level=1, out=tmp_path)
    sheets = {s: sheet_exercise(s, seed=2, level=1) for s in (1, 2, 3)}
    lines = ["student,name,value"]
    for name, g in sheets[1].answers().items():                      # student 1: all right
        lines.append(f"1,{name},{g:.4g}")
    names2 = list(sheets[2].values)
    wrong = sheets[2].mistaken("sign")                                 # student 2: every sign flipped ...
    lines += [f"2,{n},{wrong[n]:.4g}" for n in names2[:-1]]
    lines.append(f"2,{names2[-1]},twelve")                            # ... and one unreadable row
    lines.append("7,x,1.0")                                           # no such student
    lines.append("3,x")                                               # too few columns
    (tmp_path / "r.csv").write_text("\n".join(lines) + "\n")
    code, out, err = run(capsys, "grade", str(d / "answers.json"), str(tmp_path / "r.csv"))
    assert code == 1
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["student", "score", "wrong"]
    n1, n2, n3 = (len(sheets[s].values) for s in (1, 2, 3))
    assert rows[1] == ["1", f"{n1}/{n1}", ""]
    expected2 = "; ".join([f"{n} (sign)" for n in names2[:-1]] + [f"{names2[-1]} (missing)"])
    assert rows[2] == ["2", f"0/{n2}", expected2]
    assert rows[3] == ["3", f"0/{n3}", "; ".join(f"{n} (missing)" for n in sheets[3].values)]
    line_of_twelve = 1 + n1 + n2                                       # after the header and n1 + n2 - 1 rows
    assert f"line {line_of_twelve}: the value 'twelve' is not a number (row skipped)" in err
    assert f"line {line_of_twelve + 1}: there is no sheet for student 7 (row skipped)" in err
    assert f"line {line_of_twelve + 2}: expected 3 columns (student,name,value), got 2 (row skipped)" in err


def test_grade_names_the_misconception_and_accepts_intermediate_boxes(tmp_path):
    d = write_worksheets(1, seed=0, level=2, out=tmp_path)
    ex = sheet_exercise(1, seed=0, level=2)
    g = ex.gradients()
    rows = [f"1,{n},{v!r}" for n, v in g.items()]                      # every box, L's included, all right
    (tmp_path / "r.csv").write_text("\n".join(rows) + "\n")
    grades, problems = grade(d / "answers.json", tmp_path / "r.csv")
    assert problems == [] and grades[0].right == grades[0].total == len(ex.values) and grades[0].wrong == ()
    (tmp_path / "r.csv").write_text("1,nosuch,1\n")
    grades, problems = grade(d / "answers.json", tmp_path / "r.csv")
    assert problems and problems[0].startswith("line 1: student 1's sheet has no 'nosuch'")


def test_grade_refuses_a_changed_answers_file(tmp_path, capsys):
    d = write_worksheets(1, seed=0, level=1, out=tmp_path)
    data = json.loads((d / "answers.json").read_text())
    name = next(iter(data[0]["gradients"]))
    data[0]["gradients"][name] += 1
    (d / "answers.json").write_text(json.dumps(data))
    (tmp_path / "r.csv").write_text("")
    code, _, err = run(capsys, "grade", str(d / "answers.json"), str(tmp_path / "r.csv"))
    assert code == 2 and f"the gradient of {name} is" in err and "the file was changed" in err
    code, _, err = run(capsys, "grade", str(tmp_path / "missing.json"), str(tmp_path / "r.csv"))
    assert code == 1 and "cannot read" in err


def test_worksheet_bad_arguments(tmp_path, capsys):
    code, _, err = run(capsys, "worksheet", "--students", "0", "--out", str(tmp_path))
    assert code == 2 and "--students must be at least 1, got 0" in err
    code, _, err = run(capsys, "worksheet", "--students", "2", "--level", "4", "--out", str(tmp_path))
    assert code == 2


def test_worksheet_is_accessible(tmp_path, open_page):
    from a11y import assert_accessible, assert_focus_visible, tab_walk

    d = write_worksheets(1, seed=3, level=3, out=tmp_path)
    page = open_page(d / "student-001.html")
    assert_accessible(page)
    first = tab_walk(page, 1)[0]
    assert first["tag"] == "button" and "Print" in first["text"]
    assert_focus_visible(page)
    assert page.errors == [] and all(r.startswith("file://") for r in page.requests)
    assert page.locator("svg[role=img] title").first.text_content().startswith("The computation graph of L = ")
