"""End-to-end builds: demo data (default period) and the real public files."""

import re
import subprocess
import sys

import pandas as pd
import pytest

pytestmark = pytest.mark.slow


def indicators(pack, stem="02_neighbourhood_crime_asb"):
    return pd.read_csv(pack / "tables" / f"{stem}-indicators.csv").set_index("indicator_id")


def test_demo_pack_is_complete(demo_pack):
    assert (demo_pack / "evidence-pack.html").is_file() and (demo_pack / "manifest.json").is_file()
    for stem in ("00_strategic_summary", "01_strong_local_policing", "07_claims_check"):
        assert (demo_pack / "notebooks" / f"{stem}.ipynb").is_file()
        assert (demo_pack / "notebooks" / f"{stem}.html").is_file()
    html = (demo_pack / "evidence-pack.html").read_text(encoding="utf-8")
    assert "Demonstration data - not official statistics" in html
    assert re.search(r'<(script|link|img)[^>]*(src|href)="(https?:)?//', html) is None
    assert "cdnjs" not in html and "<script src" not in html


VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def test_no_element_but_a_void_one_is_written_self_closing(demo_pack):
    """HTML reads ``<a ... />`` as a link left open, which swallows the rest of the page (headings'
    anchor links once came out that way); only void elements may end in ``/>``."""
    for page in [demo_pack / "evidence-pack.html", *sorted((demo_pack / "notebooks").glob("*.html"))]:
        tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*/>", page.read_text(encoding="utf-8")))
        assert tags <= VOID_ELEMENTS, f"{page.name}: {sorted(tags - VOID_ELEMENTS)}"


def test_demo_asb_minus_50_against_plan_baseline(demo_pack):
    row = indicators(demo_pack).loc["asb_incidents"]
    assert row["baseline_label"] == "12 months ending May 2021"
    assert row["current_label"] == "12 months ending January 2024"
    assert abs(row["pct_change"] + 50) <= 3


def test_demo_calibrated_claims_are_consistent(demo_pack):
    verdicts = pd.read_csv(demo_pack / "tables" / "07_claims_check-verdicts.csv").set_index("claim_id")
    for claim in (
        "asb_minus_50",
        "burglary_minus_31",
        "sac_minus_21",
        "wait_101_down_7_minutes",
        "answer_999_6_seconds",
        "answer_999_almost_half",
        "officers_351",
        "speedwatch_members_58_5",
        "op_capture_2022",
        "farm_watch_2900",
    ):
        assert verdicts.loc[claim, "verdict"] == "consistent", claim


def test_demo_finance_reproduces_plan(demo_pack):
    from pack.config import DEMO_DATA_DIR
    from pack.finance import table_total

    finance = pd.read_csv(DEMO_DATA_DIR / "pcc" / "finance.csv")
    finance["order"] = range(len(finance))
    # the plan's own 2021/22 tables, as printed
    assert table_total(finance, "revenue", "2021/22") == pytest.approx(212.226)
    assert table_total(finance, "capital", "2021/22") == pytest.approx(15.208)
    # the default pack (12 months ending January 2024) shows the plan's latest year, 2023/24
    table = indicators(demo_pack, "06_driving_efficiencies")
    assert table.loc["revenue_budget_total", "current_value"] == pytest.approx(
        table_total(finance, "revenue", "2023/24")
    )
    assert table.loc["capital_programme_total", "current_value"] == pytest.approx(
        table_total(finance, "capital", "2023/24")
    )


def run(*args):
    return subprocess.run([sys.executable, "run_pack.py", *args], capture_output=True, text=True)


def test_real_data_2022_03(real_data, tmp_path):
    out = tmp_path / "p"
    result = run("build", "--period", "2022-03", "--data", str(real_data), "--out", str(out))
    assert result.returncode == 0, result.stderr
    table = indicators(out)
    assert table.loc["asb_incidents", "current_value"] == 27591
    assert table.loc["burglary", "current_value"] == 3844
    assert pd.isna(table.loc["asb_incidents", "baseline_value"])
    assert table.loc["asb_incidents", "status"] == "no comparison"
    assert "2020-06..2021-02" in table.loc["asb_incidents", "note"]
    verdicts = pd.read_csv(out / "tables" / "07_claims_check-verdicts.csv").set_index("claim_id")
    assert verdicts.loc["asb_minus_50", "verdict"] == "cannot be checked"
    assert "2020-06..2021-02" in verdicts.loc["asb_minus_50", "reason"]
    assert verdicts.loc["burglary_minus_31", "verdict"] == "cannot be checked"


def test_real_data_uncovered_period_fails_without_pack(real_data, tmp_path):
    out = tmp_path / "p"
    result = run("build", "--period", "2021-05", "--data", str(real_data), "--out", str(out))
    assert result.returncode != 0
    assert "2020-06..2021-02" in result.stderr
    assert not out.exists()


def test_same_inputs_give_byte_identical_pack(demo_pack, tmp_path):
    from pack.build.manifest import output_hashes
    from pack.build.run import build

    again = tmp_path / "again"
    result = build(output_dir=again, force=True)
    assert result.ok and not any(n.reused for n in result.notebooks)
    first, second = output_hashes(demo_pack), output_hashes(again)
    first.pop("screenshot.png", None)
    assert first == second


def test_unchanged_rebuild_reuses_every_notebook(demo_pack, tmp_path):
    from pack.build.run import build

    result = build(output_dir=tmp_path / "reuse")
    assert result.ok and all(n.reused for n in result.notebooks)
