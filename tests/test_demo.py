"""The demonstration data are marked as such, and tied to the generator that wrote them."""

import pytest

from pack.config import DEMO_DATA_DIR
from pack.data.demo import generator_fingerprint
from pack.data.stage import DEMO_MARKER


@pytest.mark.slow
def test_demo_marker_names_current_generator(demo_pack):
    marker = (DEMO_DATA_DIR / DEMO_MARKER).read_text(encoding="utf-8")
    assert "not official statistics" in marker
    assert f"generator: {generator_fingerprint()}" in marker


def test_fingerprint_changes_with_published_inputs(tmp_path, monkeypatch):
    import shutil

    import pack.data.demo as demo

    copy = tmp_path / "published"
    shutil.copytree(demo.PUBLISHED_DIR, copy)
    monkeypatch.setattr(demo, "PUBLISHED_DIR", copy)
    before = demo.generator_fingerprint()
    (copy / "demo_targets.csv").write_text((copy / "demo_targets.csv").read_text() + "\n", encoding="utf-8")
    assert demo.generator_fingerprint() != before


def test_later_plan_years_grow_from_the_published_budget():
    import pandas as pd

    from pack.data.demo.force import plan_year_finance

    published = pd.DataFrame(
        {
            "year": "2021/22",
            "table": ["revenue", "capital"],
            "line": ["Officers", "Property"],
            "value_gbp_m": [100.0, 10.0],
            "source": "plan",
        }
    )
    made = plan_year_finance(published)
    out = made[made["table"].isin(["revenue", "capital"])].set_index(["year", "line"])["value_gbp_m"]
    # revenue +4.9% then +7.1%: 100 -> 104.9 -> 112.348; capital -12% then +8%: 10 -> 8.8 -> 9.504
    assert out.to_dict() == {
        ("2021/22", "Officers"): 100.0,
        ("2021/22", "Property"): 10.0,
        ("2022/23", "Officers"): 104.9,
        ("2022/23", "Property"): 8.8,
        ("2023/24", "Officers"): 112.348,
        ("2023/24", "Property"): 9.504,
    }


def test_levels_get_a_value_at_each_plan_year_end_between_published_figures():
    import pandas as pd

    from pack.data.demo.force import plan_year_mi

    columns = ["indicator_id", "period_start", "period_end", "value", "unit", "source", "note"]
    published = pd.DataFrame(
        [
            ["officers_taser_trained", "2021-05-31", "2021-05-31", "600", "officers", "report", ""],
            ["officers_taser_trained", "2024-01-31", "2024-01-31", "720", "officers", "report", ""],
            ["hotspot_arrests", "2023-07-01", "2024-01-31", "47", "arrests", "report", ""],  # a count: left alone
        ],
        columns=columns,
    )
    rows = plan_year_mi(published)
    taser = rows[rows["indicator_id"] == "officers_taser_trained"]
    # 31 March 2022 is 304 of the 975 days from 31 May 2021 to 31 January 2024: 600 + 120 x 304/975 = 637.4 -> 637
    # 31 March 2023 is 669 days in: 600 + 120 x 669/975 = 682.3 -> 682
    assert taser["period_end"].tolist() == ["2021-05-31", "2022-03-31", "2023-03-31", "2024-01-31"]
    assert taser["value"].tolist() == ["600", "637", "682", "720"]
    assert (rows["indicator_id"] == "hotspot_arrests").sum() == 1


@pytest.mark.slow  # writes (once per machine) and prepares the whole demonstration data set
def test_every_demo_input_covers_the_default_period():
    import pandas as pd

    from pack.data import ensure_demo_data, prepare
    from pack.data.demo import LAST

    demo = ensure_demo_data(DEMO_DATA_DIR)  # the bundled demo data (generated once per machine)
    quality = prepare(demo).quality
    for name in ("street", "outcomes", "stop_search", "calls", "collisions", "casualties"):
        assert quality.input(name).last_month == str(LAST), name
    finance_years = set(pd.read_csv(demo / "pcc" / "finance.csv")["year"])
    assert finance_years == {"2021/22", "2022/23", "2023/24"}


@pytest.mark.slow  # writes the whole demonstration data set, twice at once
@pytest.mark.long
def test_two_processes_asking_for_the_demo_data_at_once_write_it_once(tmp_path):
    """Two builds (or two test workers) started together on a fresh clone both need ``data/demo``:
    one writes it while the other waits, then finds it complete and reads it as it is."""
    import subprocess
    import sys

    from pack.config import PROJECT_ROOT

    out = tmp_path / "demo"
    ask = "import logging, sys; logging.basicConfig(level=logging.INFO); from pack.data import ensure_demo_data; "
    ask += "ensure_demo_data(sys.argv[1])"
    runs = [
        subprocess.Popen([sys.executable, "-c", ask, str(out)], cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    logs = [run.communicate()[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], logs
    assert sum(log.count("generating it") for log in logs) == 1, logs
    marker = (out / DEMO_MARKER).read_text(encoding="utf-8")
    assert f"generator: {generator_fingerprint()}" in marker
    assert not out.with_name("demo.partial").exists()
