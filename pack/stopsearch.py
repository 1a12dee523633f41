"""Stop and search: disparity ratios by ethnic group, and searches by legislation, age range and gender.

**Disparity ratio.** Searches per 1,000 residents of an ethnic group divided by searches per 1,000
White residents, in the same window, with its exact 95% interval and test
(:func:`pack.significance.rate_ratio`: the residents are taken as fixed, the searches as Poisson).
Ethnicity is either the officer's (officer-defined: five broad groups) or the person's own
(self-defined: the 2011 Census categories, grouped to the same five by their first part, see
:func:`broad_group`). Searches with no ethnicity recorded are in no rate, and the sentences say how
many: were they recorded, every rate could only rise. A person searched twice counts twice, which
makes the intervals too narrow (the data do not identify people); the residents are Census counts,
not the people present in the area (visitors, commuters, the night-time economy).

**Breakdowns.** Searches by ``legislation``, ``age_range`` and ``gender``, where the files record
them (:func:`recorded`), each with its share, the share ending in arrest and the "find rate"
(:func:`pack.policing.stop_search_breakdown`), and a title that says what the chart shows.
"""

from __future__ import annotations

import math

import pandas as pd

from pack.figures import Breakdown, Coverage, window_table
from pack.periods import Window
from pack.policing import STOP_SEARCH, stop_search_breakdown
from pack.significance import rate_ratio

REFERENCE = "White"
NOT_STATED = "Not stated"
ETHNICITY = {"officer_defined_ethnicity": "officer-defined", "self_defined_ethnicity": "self-defined"}
BREAKDOWNS = {"legislation": "legislation", "age_range": "age range", "gender": "gender"}
AGE_ORDER = ("under 10", "10-17", "18-24", "25-34", "over 34")
_BROAD = (("White", "White"), ("Black", "Black"), ("Asian", "Asian"), ("Mixed", "Mixed"), ("Other", "Other"))
_PEOPLE = {"Other": "People of other ethnic groups", "Mixed": "People of mixed ethnicity"}

__all__ = [
    "BREAKDOWNS",
    "ETHNICITY",
    "broad_group",
    "by_category",
    "category_title",
    "disparity",
    "disparity_sentences",
    "disparity_table",
    "recorded",
]


def broad_group(value: str) -> str:
    """The broad ethnic group (as officer-defined ethnicity and Census TS021 use) of a self-defined
    ethnicity, by the part before " - "; ``Not stated`` for a blank or "Not stated" answer.

    >>> broad_group("Black/African/Caribbean/Black British - African"), broad_group("Asian/Asian British - Pakistani")
    ('Black', 'Asian')
    >>> broad_group("Other ethnic group - Not stated"), broad_group(""), broad_group("White - Irish")
    ('Not stated', 'Not stated', 'White')
    """
    text = value.strip()
    if not text or text.lower().endswith("not stated"):
        return NOT_STATED
    first = text.split(" - ")[0]
    for prefix, group in _BROAD:
        if first.startswith(prefix):
            return group
    return "Other"


def _in_window(stop_search: pd.DataFrame, window: Window) -> pd.DataFrame:
    return stop_search[stop_search["month"].isin(window.month_strings())]


def recorded(stop_search: pd.DataFrame, column: str, window: Window) -> bool:
    """True when any search in ``window`` has a value in ``column``."""
    rows = _in_window(stop_search, window)
    return column in rows and bool((rows[column].astype(str).str.strip() != "").any())


def _groups(rows: pd.DataFrame, column: str) -> pd.Series:
    if column == "self_defined_ethnicity":
        return rows[column].astype(str).map(broad_group)
    return rows[column].astype(str).str.strip().replace("", NOT_STATED)


def disparity_table(
    stop_search: pd.DataFrame,
    window: Window,
    population: dict[str, float],
    column: str = "officer_defined_ethnicity",
    reference: str = REFERENCE,
) -> pd.DataFrame:
    """One row per ethnic group with residents: searches in ``window``, residents, searches per 1,000
    residents and the rate ratio against ``reference`` with its 95% interval (``lower_limit``,
    ``upper_limit``) and exact p-value (as text; the reference row has ratio 1 and no interval).
    Reference first, then groups with most searches first.
    A group that no search in the files records under this classification (officers rarely record
    "Mixed") is left out: see :func:`unused_groups`. Empty when ``reference`` has no residents."""
    columns = ["ethnic_group", "searches", "residents", "per_1000_residents", "rate_ratio"]
    columns += ["lower_limit", "upper_limit", "p_value"]
    if population.get(reference, 0) <= 0:
        return pd.DataFrame(columns=columns)
    counts = _groups(_in_window(stop_search, window), column).value_counts()
    ref_count = float(counts.get(reference, 0))
    unused = set(unused_groups(stop_search, population, column))
    rows = []
    for group, residents in population.items():
        if residents <= 0 or group in unused:
            continue
        n = float(counts.get(group, 0))
        row = {"ethnic_group": group, "searches": int(n), "residents": residents}
        row["per_1000_residents"] = round(n / residents * 1000, 2)
        if group == reference:
            row.update(rate_ratio=1.0, lower_limit=math.nan, upper_limit=math.nan, p_value="")
        else:
            r = rate_ratio(n, residents, ref_count, population[reference])
            row.update(
                rate_ratio=_round(r.estimate),
                lower_limit=_round(r.lower),
                upper_limit=_round(r.upper),
                p_value=p_value_text(r.p_value),
            )
        rows.append(row)
    table = pd.DataFrame(rows, columns=columns)
    order = table.assign(_ref=table["ethnic_group"] != reference)
    order = order.sort_values(["_ref", "searches", "ethnic_group"], ascending=[True, False, True], kind="stable")
    return order.drop(columns="_ref").reset_index(drop=True)


def unused_groups(stop_search: pd.DataFrame, population: dict[str, float], column: str) -> list[str]:
    """Groups with residents that no search in the files (any month) records under ``column``:
    the classification does not use them, so a rate of 0 would be wrong (not a low rate).

    >>> s = pd.DataFrame({"officer_defined_ethnicity": ["White", "Black", ""]})
    >>> unused_groups(s, {"White": 10.0, "Black": 5.0, "Mixed": 3.0}, "officer_defined_ethnicity")
    ['Mixed']
    """
    seen = set(_groups(stop_search, column))
    return [g for g in population if g != REFERENCE and g not in seen]


def p_value_text(p: float | None) -> str:
    """A p-value for readers: ``< 0.001`` or three decimals.

    >>> p_value_text(2.1e-12), p_value_text(0.04567), p_value_text(None)
    ('< 0.001', '0.046', '')
    """
    if p is None or not math.isfinite(p):
        return ""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _round(value: float | None) -> float:
    return math.nan if value is None else round(value, 2) if math.isfinite(value) else value


def disparity(
    stop_search: pd.DataFrame,
    window: Window,
    coverage: Coverage,
    population: dict[str, float],
    column: str = "officer_defined_ethnicity",
) -> Breakdown:
    """:func:`disparity_table` when the stop-and-search files cover ``window``; else the sentence why."""
    return window_table(
        lambda w: disparity_table(stop_search, w, population, column),
        window,
        coverage,
        STOP_SEARCH,
        f"stop and search disparity ratios ({ETHNICITY[column]} ethnicity)",
    )


def _ratio(value: float) -> str:
    return f"{value:.2f}" if value < 1 else f"{value:.1f}"


def disparity_sentences(
    table: pd.DataFrame,
    stop_search: pd.DataFrame,
    window: Window,
    population: dict[str, float],
    column: str = "officer_defined_ethnicity",
    reference: str = REFERENCE,
) -> list[str]:
    """One sentence per group against ``reference`` — "Black people were searched at 4.4 times the rate
    of White people (95% CI 4.0 to 4.8)" — then the groups with residents that the files never record,
    and how many searches recorded no ethnicity."""
    out = []
    basis = ETHNICITY[column]
    for row in table.to_dict("records"):
        if row["ethnic_group"] == reference or not math.isfinite(row["rate_ratio"]):
            continue
        people = _PEOPLE.get(row["ethnic_group"], f"{row['ethnic_group']} people")
        interval = f"95% CI {_ratio(row['lower_limit'])} to {_ratio(row['upper_limit'])}"
        significant = row["lower_limit"] > 1 or row["upper_limit"] < 1
        chance = "" if significant else "; not statistically significantly different"
        out.append(
            f"{people} were searched at {_ratio(row['rate_ratio'])} times the rate of {reference} people "
            f"({interval}{chance}), {basis} ethnicity, {window.label}."
        )
    for group in unused_groups(stop_search, population, column):
        out.append(f"No search in the files records {basis} ethnicity '{group}': no ratio for it.")
    rows = _in_window(stop_search, window)
    unstated = int((_groups(rows, column) == NOT_STATED).sum())
    if len(rows) and unstated:
        out.append(
            f"{unstated:,} of {len(rows):,} searches ({unstated / len(rows) * 100:.1f}%) recorded no {basis} "
            "ethnicity and are in no rate."
        )
    return out


def by_category(stop_search: pd.DataFrame, window: Window, coverage: Coverage, column: str) -> Breakdown:
    """Searches in ``window`` by ``column`` (legislation, age range or gender) with shares, arrests and
    find rate; age ranges in age order, others most searches first."""

    def build(w: Window) -> pd.DataFrame:
        table = stop_search_breakdown(stop_search, w, column)
        if column == "age_range":
            rank = {a: i for i, a in enumerate(AGE_ORDER)}
            table = table.sort_values(column, key=lambda s: s.map(lambda a: rank.get(a, len(rank))), kind="stable")
        return table.reset_index(drop=True)

    return window_table(build, window, coverage, STOP_SEARCH, f"stop and search by {BREAKDOWNS[column]}")


def category_title(table: pd.DataFrame, column: str, label: str) -> str:
    """A chart title that says what the breakdown shows: the largest category and its share.

    >>> t = pd.DataFrame({"gender": ["Male", "Female"], "searches": [87, 13], "share_pct": [87.0, 13.0]})
    >>> category_title(t, "gender", "12 months ending January 2024")
    '87% of searches were of men, 12 months ending January 2024'
    >>> category_title(t.assign(searches=float("nan"), share_pct=float("nan")), "gender", "2023")
    'Searches by gender: small counts suppressed, 2023'
    """
    top = table.sort_values("searches", ascending=False, kind="stable").iloc[0]
    if pd.isna(top["share_pct"]):  # a public pack's table with its largest group blanked
        return f"Searches by {column.replace('_', ' ')}: small counts suppressed, {label}"
    name, share = str(top[column]), f"{top['share_pct']:.0f}%"
    if column == "legislation":
        return f"{share} of searches were under the {name}, {label}"
    if column == "age_range":
        return f"People aged {name} were searched most: {share} of searches, {label}"
    people = {"Male": "men", "Female": "women"}.get(name, name.lower())
    return f"{share} of searches were of {people}, {label}"
