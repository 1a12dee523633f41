"""The office's judgement is read from its file, never generated: a grade from the fixed list, a
narrative and actions per priority; a broken file is refused naming file, row and column; an absent
one gives *not supplied* for every priority."""

from pathlib import Path

import pytest

from pack.errors import DataError
from pack.paper.judgement import GRADES, judgement_rows, load_judgement
from pack.plan import load_plan

HEADER = "priority,grade,narrative,actions\n"

PRIORITIES = load_plan().priorities


def write(folder: Path, text: str) -> Path:
    (folder / "judgement.csv").write_text(text, encoding="utf-8")
    return folder


def test_absent_file_is_not_supplied_for_every_priority(tmp_path):
    rows = judgement_rows(load_judgement(tmp_path, PRIORITIES), PRIORITIES)
    assert [r["grade"] for r in rows] == ["not supplied"] * 6
    assert all(r["narrative"] == "" for r in rows)


def test_rows_by_title_or_number_in_plan_order(tmp_path):
    write(
        tmp_path,
        HEADER + 'Road Safety,Requires  additional scrutiny,"KSI level.",""\n1,content,More officers.,Visit; Meeting\n',
    )
    rows = judgement_rows(load_judgement(tmp_path, PRIORITIES), PRIORITIES)
    assert [(r["priority"], r["grade"]) for r in rows[:3]] == [
        ("Strong Local Policing", "content"),
        ("Neighbourhood Crime and Anti-Social Behaviour", "not supplied"),
        ("Road Safety", "requires additional scrutiny"),
    ]
    assert rows[0]["actions"] == "Visit; Meeting" and rows[2]["actions"] == ""


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("priority,grade\n1,content\n", "row 1: the header"),
        (HEADER + "1,excellent,x,\n", "row 2, column 'grade'"),
        (HEADER + "Policing,content,x,\n", "row 2, column 'priority'"),
        (HEADER + "1,content,x,\n1,content,y,\n", "row 3, column 'priority'"),
        (HEADER + "1,content,,\n", "row 2, column 'narrative'"),
        (HEADER + "1,content,x\n", "row 2: has 3 fields"),
    ],
)
def test_a_broken_file_is_refused_naming_row_and_column(tmp_path, text, where):
    write(tmp_path, text)
    with pytest.raises(DataError) as caught:
        load_judgement(tmp_path, PRIORITIES)
    assert str(caught.value).startswith(f"file {tmp_path / 'judgement.csv'}, {where}"), str(caught.value)


def test_the_grade_error_lists_the_fixed_grades(tmp_path):
    write(tmp_path, HEADER + "1,excellent,x,\n")
    with pytest.raises(DataError, match="expected " + ", ".join(GRADES)):
        load_judgement(tmp_path, PRIORITIES)


def test_not_utf8_is_refused(tmp_path):
    (tmp_path / "judgement.csv").write_bytes(HEADER.encode() + "1,content,caf\xe9,\n".encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        load_judgement(tmp_path, PRIORITIES)


def test_the_build_refuses_a_broken_judgement_before_any_work(tmp_path):
    from pack.pipeline.request import BuildRequest
    from pack.pipeline.run import build

    (tmp_path / "data").mkdir()
    data = write(tmp_path / "data", HEADER + "9,content,x,\n")
    with pytest.raises(DataError, match="row 2, column 'priority'"):
        build(BuildRequest(output_dir=tmp_path / "out", data_dir=str(data)))
    assert not (tmp_path / "out").exists()
