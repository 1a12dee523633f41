"""The statistics of the indicator rows: the test that fits the data, the nine status words, SPC charts as
Making Data Count draws them, and three baselines, each checked through the code the notebooks call."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pack import baselines, charts
from pack.crime import group_indicator, monthly_series
from pack.data import prepare
from pack.display import indicator_view, status_text
from pack.figures import Coverage, Figure, unit
from pack.findings import finding_sentence, xmr_sentences, xmr_title
from pack.indicators import (
    COUNT_TEST,
    NO_BETTER_DIRECTION,
    SHARE_TEST,
    STATUSES,
    count_indicator,
    indicator_table,
    share_indicator,
)
from pack.measures import poisson_change_p_value
from pack.periods import Month, Window, comparison_windows, rolling_window
from pack.plan import load_plan
from pack.spc import xmr
from pack.verdicts import DIRECTION, TESTED

STREET = ("street",)


def months_from(first: str, n: int) -> list[str]:
    return [str(Month.parse(first) + i) for i in range(n)]


def counts(values: list[float], first: str = "2023-01") -> tuple[pd.Series, Coverage]:
    index = months_from(first, len(values))
    return pd.Series(values, index=index, dtype="float64"), Coverage({"street": tuple(index)})


# ---------------------------------------------------------------------------------------------
# 1. Counts: the quasi-Poisson comparison, through count_indicator


def test_a_count_row_allows_for_month_to_month_variation_worked_by_hand() -> None:
    # 2023: 100, 120, 100, ... (12 months); 2024: 130, 150, 130. Q1 2023 (90 days) 320 against Q1 2024
    # (91 days, leap year) 410.
    series, coverage = counts([100, 120] * 6 + [130, 150, 130])
    base, cur = rolling_window("2023-03", 3), rolling_window("2024-03", 3)
    # plain Poisson: p0 = 91/181 = 0.50276, 410/730 = 0.56164, z = 0.05888 / sqrt(p0 (1 - p0) / 730) = 3.18
    assert poisson_change_p_value(320, 410, 90, 91) < 0.05  # significant, and a rise where lower is better
    # dispersion from the 14 moving ranges 2023-01..2024-03 of the daily rate: each |r2 - r1| over
    # sqrt(r0 (1/d1 + 1/d2) / 2), r0 the pair's pooled daily rate (for months of equal length the old
    # |x2 - x1| / sqrt(mean of the two months)); none at or above 3.267 x mean; phi = (mean / 1.12838)**2;
    # t on 8.66 degrees of freedom (14 moving ranges, 13 adjacent pairs)
    values = [100, 120] * 6 + [130, 150, 130]
    days = [(Month(2023, 1) + i).days for i in range(15)]
    changes = [
        abs(values[i + 1] / days[i + 1] - values[i] / days[i])
        / math.sqrt((values[i] + values[i + 1]) / (days[i] + days[i + 1]) * (1 / days[i] + 1 / days[i + 1]) / 2)
        for i in range(14)
    ]
    phi = (sum(changes) / 14 / (2 / math.sqrt(math.pi))) ** 2
    assert phi == pytest.approx(3.364, abs=0.001)  # 2.555 on raw counts: February's 28 days read as variation
    t = (410 / 730 - 91 / 181) / math.sqrt((91 / 181) * (90 / 181) * phi / 730)
    assert t == pytest.approx(1.735, abs=0.001)  # 1.990 with the raw-count phi
    p = 2 * stats.t.sf(t, 8.66)
    row = count_indicator("x", "X", series, coverage, STREET, base, cur, "lower", "test", "crimes")
    assert (row.baseline_value, row.current_value) == (320, 410)
    assert row.status == "no significant change" and row.test == COUNT_TEST
    assert f"p = {p:.3f}" in row.note and f"(dispersion {phi:.1f})" in row.note
    assert f"vary {math.sqrt(phi):.1f} times as much as chance alone" in row.note


def test_a_count_with_too_few_months_to_measure_its_variation_is_direction_only() -> None:
    # one month against the month before: one month-to-month change, and at least 5 are needed
    series, coverage = counts([100, 140])
    row = count_indicator(
        "x", "X", series, coverage, STREET, rolling_window("2023-01", 1), rolling_window("2023-02", 1), "lower", "t"
    )
    assert row.status == "up" and row.test.startswith("none: too few months with records")
    assert status_text(row.status, row.better_when, row.test) == "↑ up (not tested; lower is better)"


def test_a_count_with_no_better_direction_is_direction_only_with_the_tests_result() -> None:
    series, coverage = counts([100, 120] * 6 + [130, 150, 130])
    base, cur = rolling_window("2023-03", 3), rolling_window("2024-03", 3)
    row = count_indicator("searches", "Searches", series, coverage, STREET, base, cur, "n/a", "t", "searches")
    assert (row.status, row.test) == ("up", NO_BETTER_DIRECTION)
    assert row.note.startswith("quasi-Poisson comparison of two windows (dispersion from the monthly series): not")


def test_overlapping_windows_are_never_tested() -> None:
    series, coverage = counts([100.0] * 24)
    row = count_indicator(
        "x", "X", series, coverage, STREET, rolling_window("2023-12", 12), rolling_window("2024-06", 12), "lower", "t"
    )
    assert row.status == "no comparison" and row.test.startswith("none: windows overlap")


def simulated_rates(reps: int, phi: float, seed: int) -> tuple[float, float]:
    """Share of negative-binomial series (mean 700 a month, variance ``phi`` x mean, no real change)
    that the indicator row calls improved or worse, and that the plain Poisson test would."""
    rng = np.random.default_rng(seed)
    base, cur = rolling_window("2021-05", 3), rolling_window("2022-05", 3)
    index = months_from("2021-03", 15)
    coverage = Coverage({"street": tuple(index)})
    k = 700 / (phi - 1)  # size: mean + mean**2 / k = phi x mean
    rows = poisson = 0
    for values in rng.negative_binomial(k, k / (k + 700), size=(reps, 15)):
        series = pd.Series(values, index=index)
        row = count_indicator("x", "X", series, coverage, STREET, base, cur, "lower", "t")
        rows += row.status in ("improved", "worse")
        b, c = series[base.month_strings()].sum(), series[cur.month_strings()].sum()
        poisson += poisson_change_p_value(b, c, base.days, cur.days) < 0.05
    return rows / reps, poisson / reps


@pytest.mark.slow  # a simulation of 600 series pairs: with the other calibration simulations, in make test-long
@pytest.mark.long
def test_false_positives_of_the_rows_test_on_overdispersed_counts() -> None:
    # the case (3 months against the same 3 a year before) with variance 9 x Poisson: the plain
    # Poisson z is 3 times too large, P(|Z| > 1.96 / 3) = 51%; the row's test keeps near the nominal 5%
    # (binomial standard error over 600 runs: 0.9 points)
    rows, poisson = simulated_rates(600, 9.0, 20221122)
    assert poisson > 0.4
    assert 0.02 <= rows <= 0.08


def test_a_share_row_uses_the_two_proportion_test() -> None:
    base_w, cur_w = rolling_window("2022-12"), rolling_window("2023-12")
    share = unit("%")
    # 48 of 80 (60%) against 56 of 70 (80%): pooled 104/150 = 0.6933, se = sqrt(0.6933 x 0.3067 x (1/70 +
    # 1/80)) = 0.07547, z = 0.2 / 0.07547 = 2.650, p = 0.008
    base = Figure(60.0, share, base_w.label, base_w, base=80, period=base_w)
    cur = Figure(80.0, share, cur_w.label, cur_w, base=70, period=cur_w)
    row = share_indicator("x", "Searches with a linked outcome", base, cur, "higher", "test")
    assert (row.status, row.test, row.change) == ("improved", SHARE_TEST, pytest.approx(20.0))
    assert row.note == "change +20.0 percentage points (95% interval +5.2 to +33.4), p = 0.008"
    # 30 of 50 against 33 of 50: z = 0.06 / sqrt(0.63 x 0.37 x 0.04) = 0.62, not significant
    row = share_indicator(
        "x",
        "X",
        Figure(60.0, share, base_w.label, base_w, base=50, period=base_w),
        Figure(66.0, share, cur_w.label, cur_w, base=50, period=cur_w),
        "higher",
        "t",
    )
    assert row.status == "no significant change"


def test_the_readers_view_shows_the_better_direction_and_not_tested() -> None:
    series, coverage = counts([100, 140])
    row = count_indicator(
        "x", "X", series, coverage, STREET, rolling_window("2023-01", 1), rolling_window("2023-02", 1), "lower", "t"
    )
    view = indicator_view(indicator_table([row]))
    assert view.loc[0, "Status"] == "↑ up (not tested; lower is better)"


# ---------------------------------------------------------------------------------------------
# Acceptance on the real data


@pytest.fixture(scope="module")
def real_street(real_data: Path) -> tuple[pd.DataFrame, Coverage]:
    prepared = prepare(real_data)
    street = pd.read_parquet(prepared.path / "street_monthly.parquet")
    return street, Coverage({"street": tuple(prepared.quality.months("street"))})


def test_real_serious_acquisitive_crime_rise_is_not_called_worse_by_the_row(real_street) -> None:
    """--period 2022-05 --window 3 --baseline 2021-05: 2,166 -> 2,298 (+6.1%), p = 0.0499 by plain
    Poisson ("worse" before); the row, as notebook 02 builds it, says no significant change."""
    street, coverage = real_street
    baseline, current = comparison_windows("2022-05", 3, "2021-05")
    row = group_indicator("serious_acquisitive_crime", street, coverage, baseline, current)
    assert (row.baseline_value, row.current_value) == (2166, 2298)
    assert row.status == "no significant change" and row.test == COUNT_TEST
    # p = 0.395 with phi 4.9 on daily rates (0.488 with phi about 7.4 on raw monthly counts)
    assert "95% interval" in row.note and "p = 0.395" in row.note and "(dispersion 4.9)" in row.note
    sentence = finding_sentence(indicator_table([row]).iloc[0], {baseline.label: "plan baseline"})
    assert sentence == (
        "Serious acquisitive crime (burglary, robbery, vehicle crime) rose by 6% (from 2,166 to 2,298 crimes) between "
        "the plan baseline (the 3 months ending May 2021) and the 3 months ending May 2022; the change is not "
        "statistically significant."
    )


def test_real_asb_chart_says_what_happened_not_a_count_of_flagged_months(real_street) -> None:
    street, coverage = real_street
    asb = monthly_series(street, ("Anti-social behaviour",), coverage.covered(STREET)).astype("float64")
    result = xmr(asb, "lower")
    title = xmr_title("ASB incidents", result)
    assert "of the last" not in title and "special-cause variation" not in title
    # March 2021 .. November 2022 (21 months: too few for a second phase of 15): the fall from the Covid
    # breach months ends in 3 months below the lower limits' band since September 2022, an improvement
    assert title == "ASB incidents: 3 months unusually low since September 2022 (improvement)"
    said = xmr_sentences(result, "incidents")
    assert said[-1] == (
        "Latest month (November 2022): special cause improvement (low): unusually low, and lower is better: an "
        "improvement."
    )


# ---------------------------------------------------------------------------------------------
# 3. SPC: one clear step gives two phases and only genuine signals


def test_an_xmr_chart_of_one_step_shows_two_phases_and_only_the_genuine_signal() -> None:
    # 20 months alternating 100, 104 (mean 102, every moving range 4), then 20 alternating 60, 64, with one
    # genuine outlier: 85 in the 11th month of the second phase (May 2023)
    values = [100.0, 104.0] * 10 + [60.0, 64.0] * 10
    values[30] = 85.0
    series = pd.Series(values, index=months_from("2020-11", 40))
    result = xmr(series, "lower")
    # the run below the first 15 months' mean (101.9) starts at July 2022 and leaves 20 months either side
    assert [(p.first, p.last) for p in result.phases] == [("2020-11", "2022-06"), ("2022-07", "2024-02")]
    first, second = (p.limits for p in result.phases)
    assert (first.mean, first.mean_moving_range) == (102.0, 4.0)  # limits 102 ± 2.66 x 4 = 91.36 .. 112.64
    # second phase: mean (10 x 60 + 10 x 64 - 60 + 85) / 20 = 63.25; moving ranges 17 x 4 and 2 x 21 average
    # 5.79, and 21 >= 3.267 x 5.79 = 18.9 is screened out: mean moving range 4, upper limit 73.89 < 85
    assert second.mean == pytest.approx(63.25) and second.mean_moving_range == pytest.approx(4.0)
    signals = result.signals
    assert list(signals.index) == ["2023-05"] and signals["point_type"].tolist() == ["special_cause_concern"]
    # without rebasing every month but the outlier lies in a run of 20 on one side of the overall mean
    # ((20 x 102 + 20 x 62 + 25) / 40 = 82.6; 85 is above it): 39 of 40 flagged, the old "39 of the last 40"
    assert int(xmr(series, "lower", rebase=False).points["special_cause"].sum()) == 39
    title = xmr_title("Burglary", result)
    assert title == (
        "Burglary: sustained fall since mid-2022: limits recalculated from July 2022; May 2023 above the upper "
        "limit (concern); common-cause variation since"
    )
    chart = charts.xmr_chart(series, name="x", title=title, ylabel="n", what="burglaries", result=result)
    assert "mean 102.0, process limits 91.4 to 112.6 from November 2020" in chart.alt_text
    assert "process limits 52.6 to 73.9 from July 2022" in chart.alt_text  # 63.25 ± 10.64
    assert "1 point(s) show special-cause variation" in chart.alt_text
    from matplotlib.collections import PathCollection

    marked = [c for c in chart.figure.axes[0].collections if isinstance(c, PathCollection)]
    assert [len(c.get_offsets()) for c in marked] == [1]  # the one concern month, with its own marker
    assert xmr_sentences(result, "burglaries a month")[:2] == [
        "The limits were recalculated from July 2022 after a sustained shift (a run of 7 or more months on one "
        "side of the mean): the mean moved from 102 to 63.2 burglaries a month.",
        "Special-cause months since July 2022: 1 concern (May 2023).",
    ]


# ---------------------------------------------------------------------------------------------
# 4. Baselines


def test_pre_covid_and_year_earlier_windows() -> None:
    assert baselines.pre_covid_window(rolling_window("2024-01")) == rolling_window("2020-03")
    assert baselines.pre_covid_window(rolling_window("2024-01", 24)) == rolling_window("2020-03", 24)
    assert baselines.pre_covid_window(rolling_window("2022-05", 3)) == rolling_window("2019-05", 3)
    assert baselines.pre_covid_window(rolling_window("2022-02", 3)) == rolling_window("2020-02", 3)
    fytd = comparison_windows("2024-01", "fytd", "2021-05")[1]
    assert baselines.pre_covid_window(fytd) == Window(Month(2019, 4), Month(2020, 1), kind="fytd")
    assert baselines.year_earlier(rolling_window("2024-01")) == rolling_window("2023-01")


def street_frame(values: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"month": list(values), "crime_type": "Anti-social behaviour", "n": list(values.values())}
    ).astype({"n": "int64"})


def test_baseline_table_three_baselines_with_verdicts_and_not_covered() -> None:
    # street files cover June 2019 .. January 2024: the pre-Covid year (April 2019 .. March 2020) misses
    # April and May 2019. ASB 100 a month, 150 a month in the lockdown year June 2020 .. May 2021.
    index = months_from("2019-06", 56)
    values = {m: 150.0 if "2020-06" <= m <= "2021-05" else 100.0 for m in index}
    coverage = Coverage({"street": tuple(index)})
    baseline, current = comparison_windows("2024-01", 12, "2021-05")
    table = baselines.baseline_table(
        street_frame(values), coverage, baseline, current, ("asb_incidents",), plan_baseline_end="2021-05"
    )
    assert table["Baseline"].tolist() == ["plan baseline", "pre-Covid year", "same period a year earlier"]
    assert table["Baseline period"].tolist() == [
        "12 months ending May 2021",
        "12 months ending March 2020",
        "12 months ending January 2023",
    ]
    # plan baseline 12 x 150 = 1,800 against 1,200: down a third; the only month-to-month changes are the two
    # steps (screened out as MDC outliers), so phi = 1 and the fall is significant
    assert table["Baseline figure"].tolist() == [
        "1,800 incidents",
        "not covered: missing 2019-04..2019-05",
        "1,200 incidents",
    ]
    assert table["Verdict"].tolist() == ["✔ improved", "○ no comparison", "● no significant change"]
    assert table["Change"].tolist()[0] == "down 600 incidents (33.3%)"
    assert table["Test result"].tolist()[1] == ""
    assert baselines.caveats(baseline, "2021-05")[0].startswith(
        "ASB: from March 2020 to mid-2021 forces recorded reports of people breaching the Covid-19 restrictions"
    )
    assert "plan baseline (12 months ending May 2021)" in baselines.caveats(baseline, "2021-05")[0]


# ---------------------------------------------------------------------------------------------
# 2. Every status of the demo pack is one of the nine words


@pytest.mark.slow
def test_every_status_in_the_demo_packs_indicator_tables_is_one_of_the_nine(demo_pack: Path) -> None:
    tables = sorted((demo_pack / "tables").glob("*-indicators.csv"))
    assert len(tables) == 6  # one per priority notebook
    statuses = pd.concat([pd.read_csv(t, dtype=str, keep_default_na=False) for t in tables], ignore_index=True)
    assert set(statuses["status"]) <= set(STATUSES) and len(STATUSES) == 9
    for _, row in statuses.iterrows():
        if row["status"] in TESTED:
            assert not row["test"].startswith("none"), row.to_dict()  # a tested word names its test
        if row["status"] in DIRECTION:
            assert row["test"].startswith("none"), row.to_dict()  # a direction word was not tested
    # counts are tested by the quasi-Poisson comparison, never by the plain Poisson test
    assert (statuses["test"] == COUNT_TEST).sum() >= 5
    assert not statuses["test"].str.contains("exact Poisson").any()
    # the baselines table of notebook 02, and its ASB caveat in the pack
    # (one row per crime group the plan's priority 2 reports, against each of three baselines)
    against = pd.read_csv(demo_pack / "tables" / "02_neighbourhood_crime_asb-baselines.csv")
    assert len(against) == 3 * len(load_plan().priority(2).measures_of("crime_groups"))
    html = (demo_pack / "evidence-pack.html").read_text(encoding="utf-8")
    assert "inflated by Covid-breach reports" in html
    assert "◆ changed" not in html and ">changed<" not in html
