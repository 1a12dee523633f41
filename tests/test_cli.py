"""The command line, in-process (``pack.cli.main``): help on every option, one-line refusals."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from pack.cli import COMMANDS, _parser, main


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    """``main(args)``: exit code (argparse's own exits included), stdout, stderr."""
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse: --help, or an option it refuses
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_every_command(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("build", "validate", "verify", "diff", "demo-data", "lab"):
        assert f"\n    {command}" in out, command
    assert "usage: run_pack.py [-h] COMMAND" in out


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_option_of_every_command_has_help() -> None:
    subparsers = _subparsers()
    assert set(subparsers) == set(COMMANDS)
    for name, sub in subparsers.items():
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help and len(action.help) > 10, f"{name} {action.dest}: no help text"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--jobs", "0"], "argument --jobs: must be 1 or more, got 0"),
        (["--jobs", "-3"], "argument --jobs: must be 1 or more, got -3"),
        (["--jobs", "many"], "argument --jobs: expected a whole number, got 'many'"),
        (["--cell-timeout", "0"], "argument --cell-timeout: must be 1 or more, got 0"),
        (["--cell-timeout", "-5"], "argument --cell-timeout: must be 1 or more, got -5"),
    ],
)
def test_limits_are_refused_before_any_work(capsys, tmp_path, args, message) -> None:
    code, _, err = run(capsys, "build", "--out", str(tmp_path / "p"), *args)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "p").exists()


def test_options_alone_mean_build(capsys, tmp_path) -> None:
    """``run_pack.py --jobs 0`` is ``run_pack.py build --jobs 0`` (and refused the same way)."""
    code, _, err = run(capsys, "--jobs", "0")
    assert code == 2 and "run_pack.py build: error: argument --jobs" in err


def test_verify_of_a_folder_that_is_not_a_pack(capsys, tmp_path) -> None:
    code, _, err = run(capsys, "verify", str(tmp_path))
    assert code == 2
    assert err == f"error: {tmp_path} is not an evidence pack: manifest.json not found\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "pcc-evidence-pack", "manifest_version": 2,', "not valid JSON (line 1, column"),
        ("[1, 2]", "expected a JSON object, found list"),
        ('{"format": "web-app", "name": "x"}', "not an evidence pack manifest (format 'web-app')"),
        (
            '{"format": "pcc-evidence-pack", "manifest_version": 2, "parameters": {}, "inputs": "x", "outputs": {}}',
            "malformed 'inputs'",
        ),
        (
            '{"format": "pcc-evidence-pack", "manifest_version": 2, "parameters": {"period_end": "2024-13"},'
            ' "inputs": [], "outputs": {}}',
            "invalid build parameters: period must be a month written YYYY-MM",
        ),
    ],
)
def test_a_malformed_manifest_gets_one_line(capsys, tmp_path, text, message) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "manifest.json").write_text(text, encoding="utf-8")
    commands = [["verify", str(pack)]] + ([["diff", str(pack), str(pack)]] if "parameters" not in message else [])
    for command in commands:
        code, _, err = run(capsys, *command)
        assert code == 2, command
        assert message in err and err.count("\n") == 1 and "Traceback" not in err, err


def tiny_pack(folder: Path, rows: str, inputs: list | None = None) -> Path:
    """A pack folder with one indicator table and a manifest (enough for ``diff``)."""
    (folder / "tables").mkdir(parents=True)
    (folder / "tables" / "02_neighbourhood_crime_asb-indicators.csv").write_text(
        "indicator_id,baseline_value,current_value,status\n" + rows, encoding="utf-8"
    )
    manifest = {
        "format": "pcc-evidence-pack",
        "manifest_version": 2,
        "parameters": {"period_end": "2024-01", "data_dir": "data/demo"},
        "inputs": inputs or [],
        "outputs": {},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_diff_never_prints_nan_and_compares_text_cells(capsys, tmp_path) -> None:
    a = tiny_pack(tmp_path / "a", "asb,100,50,improved\nburglary,,40,no comparison\nmi_x,n/a,7,up\n")
    b = tiny_pack(
        tmp_path / "b",
        "asb,100,52.5,improved\nburglary,,,not supplied\nmi_x,n/a,7,up\n",
        [{"path": "2024-01/x.csv", "input": "street", "size": 1, "sha256": "ab"}],
    )
    code, out, _ = run(capsys, "diff", str(a), str(b))
    assert code == 0
    lines = out.splitlines()
    assert "input added: 2024-01/x.csv" in lines
    assert "  asb current_value: 50 -> 52.5 (difference +2.5)" in lines  # 52.5 - 50
    assert "  burglary current_value: 40 -> no value" in lines
    assert "  burglary status: no comparison -> not supplied" in lines
    assert not any("mi_x" in line for line in lines)  # the same text in both: no difference
    assert "nan" not in out.lower()


def test_diff_of_an_unreadable_table_gets_one_line(capsys, tmp_path) -> None:
    a = tiny_pack(tmp_path / "a", "asb,1,2,up\n")
    b = tiny_pack(tmp_path / "b", "asb,1,2,up\n")
    (b / "tables" / "02_neighbourhood_crime_asb-indicators.csv").write_text("id;value\nasb;3\n", encoding="utf-8")
    code, _, err = run(capsys, "diff", str(a), str(b))
    assert code == 2
    assert "no indicator_id column" in err and err.count("\n") == 1
