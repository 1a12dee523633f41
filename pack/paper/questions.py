"""Questions a Panel member would put to the Commissioner, ranked by importance.

A Police and Crime Panel scrutinises the Commissioner, not the force: every question asks what the
Commissioner has done or will do. They are ranked by kind (:data:`KINDS`, most important first), then
by size within a kind: significant deteriorations (tested ``worse``), the force against its comparators
(above the funnel plot's limits), counterfactual results (the patrolled hotspots against the rest of
the force), disparity (stop and search by ethnicity, interval above 1), standards missed (999 calls
answered within 10 seconds against the 90% standard), months of concern on a headline control
chart, published claims the data contradict beyond rounding or truncation (the claims check's
``not consistent``), national measures not supplied, then each priority's measures not supplied.
Each carries its figure with unit, period and comparator. The Panel's paper prints the first
:data:`IN_PAPER`; the evidence pack prints them all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from textwrap import fill  # noqa: F401 (the doctests wrap long questions)

import pandas as pd

from pack.periods import Month
from pack.policing import STANDARD_999  # the one definition of the national 999 standard
from pack.verdicts import in_words, movement, number, to_float, verdict, with_unit

KINDS = (
    "significant deterioration",
    "comparators",
    "counterfactual",
    "disparity",
    "standard missed",
    "months of concern",
    "claim contradicted",
    "statutory measure missing",
    "measure missing",
)
IN_PAPER = 10
ASK = "How has the Commissioner held the Chief Constable to account for"


@dataclass(frozen=True)
class Question:
    """One question, with the figure it rests on."""

    kind: str
    priority: str
    question: str
    figure: str
    period: str
    comparator: str
    size: float = 0.0  # orders questions of one kind, largest first


def deterioration(row: Mapping, priority: str) -> Question:
    """The question for a tested ``worse`` verdict.

    >>> q = deterioration({"indicator": "Burglary", "baseline_value": 100, "current_value": 130, "pct_change": 30.0,
    ...     "unit": "crimes", "baseline_label": "12 months ending May 2021",
    ...     "current_label": "12 months ending January 2024", "current_text": "130 crimes",
    ...     "baseline_text": "100 crimes", "change_text": "up 30 crimes (30.0%)"}, "P")
    >>> print(fill(q.question, 100))
    Burglary rose by 30.0% (from 100 to 130 crimes) between the 12 months ending May 2021 and the 12
    months ending January 2024, a statistically significant rise. How has the Commissioner held the
    Chief Constable to account for it, and what has changed as a result?
    """
    moved = movement(row) or ""
    direction, size = moved.split(" ", 1) if " " in moved else (moved, "")
    verb, noun = ("rose", "rise") if direction == "up" else ("fell", "fall")
    unit = str(row.get("unit", "") or "")
    base, cur = to_float(row.get("baseline_value")), to_float(row.get("current_value"))
    if unit in ("%", "£m"):
        values = f"from {with_unit(base, unit)} to {with_unit(cur, unit)}"
    else:
        values = f"from {number(base)} to {with_unit(cur, unit)}"  # type: ignore[arg-type]
    base_label, cur_label = in_words(row.get("baseline_label")), in_words(row.get("current_label"))
    text = (
        f"{row['indicator']} {verb} by {size} ({values}) between the {base_label} and the {cur_label}, a statistically "
        f"significant {noun}. {ASK} it, and what has changed as a result?"
    )
    pct = abs(to_float(row.get("pct_change")) or to_float(row.get("change")) or 0.0)
    comparator = f"{row.get('baseline_text', '')}, {base_label}"
    return Question(KINDS[0], priority, text, str(row.get("current_text", "")), cur_label, comparator, pct)


def comparator_questions(comparison: pd.DataFrame | None, priority: str) -> list[Question]:
    """One question per crime group where the force's rate lies above the funnel plot's limits among
    the forces compared (``tables/02_...-comparison.csv``: ``this_force``, ``funnel_position``, ``rank``
    with 1 the lowest rate, ``forces_compared``)."""
    if comparison is None or comparison.empty:
        return []
    own = comparison[comparison["this_force"].astype(str).str.lower() == "true"]
    out = []
    for row in own.to_dict("records"):
        position = str(row.get("funnel_position", ""))
        if not position.startswith("above"):
            continue
        compared, rank = int(row["forces_compared"]), int(row["rank"])
        place = compared - rank + 1
        rate = f"{number(round(float(row['rate_per_1000']), 2))} per 1,000 residents"
        text = (
            f"{row['crime_group']}: {rate} in the {row['window']}, the {_ordinal(place)} highest rate of {compared} "
            f"forces compared and {position} of the funnel plot. What has the Commissioner asked the Chief "
            "Constable to explain about this, and what will be done?"
        )
        out.append(
            Question(KINDS[1], priority, text, rate, str(row["window"]), f"{compared} forces compared", float(place))
        )
    return out


def _ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``11th``, ``23rd``.

    >>> [_ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def counterfactual(
    hotspot: float | None,
    rest: float | None,
    ratio: tuple[float, float, float] | None,
    finding: str,
    windows: str,
    priority: str = "",
) -> Question | None:
    """The question on the patrolled hotspots against the rest of the force (``finding`` as
    :attr:`pack.hotspots.HotspotComparison.finding`; ``ratio``: estimate and 95% interval), under the
    title of the ``priority`` whose notebook compares the hotspots.

    >>> q = counterfactual(-43.7, -42.7, (0.98, 0.91, 1.06), "no more than force-wide", "May 2021 → January 2024")
    >>> print(fill(q.question, 100))
    ASB in the patrolled hotspots changed -43.7% against -42.7% in the rest of the force (May 2021 →
    January 2024): the hotspots fell no more than force-wide (ratio of the two changes 0.98, 95% CI 0.91
    to 1.06). What evidence has the Commissioner that the hotspot patrols reduced ASB more than happened
    force-wide, and will the funding continue on that evidence?
    """
    if hotspot is None or rest is None or ratio is None or finding == "not tested":
        return None
    moved = "fell" if hotspot < 0 else "rose"
    result = (
        f"the hotspots {moved} no more than force-wide"
        if finding == "no more than force-wide"
        else f"the hotspots {finding}"
    )
    figures = f"ratio of the two changes {ratio[0]:.2f}, 95% CI {ratio[1]:.2f} to {ratio[2]:.2f}"
    text = (
        f"ASB in the patrolled hotspots changed {hotspot:+.1f}% against {rest:+.1f}% in the rest of the force "
        f"({windows}): "
        f"{result} ({figures}). What evidence has the Commissioner that the hotspot patrols reduced ASB more than "
        "happened force-wide, and will the funding continue on that evidence?"
    ).replace("+-", "-")
    return Question(
        KINDS[2],
        priority,
        text,
        f"{hotspot:+.1f}% in the hotspots",
        windows,
        f"{rest:+.1f}% in the rest of the force",
        abs(ratio[0] - 1),
    )


def disparity(ratios: pd.DataFrame | None, period: str, priority: str = "") -> Question | None:
    """The question on the largest stop-and-search disparity whose 95% interval lies above 1
    (``tables/01_...-stop-search-disparity-*.csv``: ``ethnic_group``, ``per_1000_residents``,
    ``rate_ratio``, ``lower_limit``, ``upper_limit``; the reference group has ratio 1)."""
    if ratios is None or ratios.empty:
        return None
    frame = ratios.assign(lower=pd.to_numeric(ratios["lower_limit"], errors="coerce"))
    above = frame[frame["lower"] > 1]
    if above.empty:
        return None
    top = above.sort_values("rate_ratio", ascending=False).iloc[0]
    reference = frame[pd.to_numeric(frame["rate_ratio"], errors="coerce") == 1]
    ref_name = str(reference["ethnic_group"].iloc[0]) if len(reference) else "the reference group"
    ref_rate = f"{number(float(reference['per_1000_residents'].iloc[0]))} " if len(reference) else ""
    ratio = float(top["rate_ratio"])
    interval = f"95% CI {float(top['lower_limit']):.1f} to {float(top['upper_limit']):.1f}"
    text = (
        f"{top['ethnic_group']} residents were stopped and searched at {ratio:.1f} times the rate of {ref_name} "
        f"residents ({number(float(top['per_1000_residents']))} against {ref_rate}searches per 1,000 residents, "
        f"{interval}) in the "
        f"{period}. How does the Commissioner scrutinise the use of stop and search, and what has been asked of the "
        "Chief Constable about this disparity?"
    )
    return Question(
        KINDS[3],
        priority,
        text,
        f"{ratio:.1f} times the rate ({interval})",
        period,
        f"{ref_name} residents",
        ratio,
    )


def standard_999(bands: pd.DataFrame | None, period: str, priority: str = "") -> Question | None:
    """The question when fewer than 90% of 999 calls were answered within 10 seconds in any month
    (``tables/01_...-999-answer-bands.csv``: ``month``, ``answered_under_10s_pct``).

    >>> b = pd.DataFrame({"month": ["2023-01", "2023-02", "2023-03"], "answered_under_10s_pct": [91.0, 85.5, 88.0]})
    >>> print(fill(standard_999(b, "12 months ending March 2023").question, 100))
    Fewer than 90% of 999 calls were answered within 10 seconds in 2 of the 3 months of the 12 months
    ending March 2023 (lowest 85.5%, February 2023), against the national standard of 90%. What has the
    Commissioner asked the Chief Constable to do to meet the standard, and by when?
    """
    if bands is None or bands.empty:
        return None
    share = pd.to_numeric(bands["answered_under_10s_pct"], errors="coerce")
    missed = bands[share < STANDARD_999]
    if missed.empty:
        return None
    low = bands.loc[share.idxmin()]
    lowest = f"{number(float(low['answered_under_10s_pct']))}%"
    text = (
        f"Fewer than {STANDARD_999:.0f}% of 999 calls were answered within 10 seconds in {len(missed)} of the "
        f"{len(bands)} months of the {period} (lowest {lowest}, {Month.parse(str(low['month'])).name}), against the "
        f"national standard of {STANDARD_999:.0f}%. What has the Commissioner asked the Chief Constable to do to meet "
        "the standard, and by when?"
    )
    figure = f"{len(missed)} of {len(bands)} months below {STANDARD_999:.0f}% (lowest {lowest})"
    return Question(
        KINDS[4], priority, text, figure, period, f"the national standard, {STANDARD_999:.0f}%", len(missed)
    )


def concern(name: str, priority: str, months: list[str], rules: list[str], period: str) -> Question:
    """The question for months of special-cause variation of concern on a headline control chart."""
    when = months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"
    plural = "month" if len(months) == 1 else "months"
    text = (
        f"{name}: {len(months)} {plural} of the {period} ({when}) showed special-cause variation of concern on its "
        f"control chart ({'; '.join(rules)}). What has the Commissioner asked the Chief Constable about it?"
    )
    return Question(
        KINDS[5], priority, text, f"{len(months)} {plural} of concern", period, "its own control limits", len(months)
    )


def rounding_alone(stated: float, published_as: object, computed: float) -> bool:
    """True when the published figure is the computed one rounded or truncated to the decimals it was
    published with (so the difference is presentation, not a contradiction): for ``d`` decimals, unit
    ``u = 10**-d``, the size ``|computed|`` lies in ``[|stated| - u/2, |stated| + u)`` with the same sign.

    >>> rounding_alone(36.3, "36.3", 36.3636), rounding_alone(27.6, "27.6", 27.956), rounding_alone(-7.1, "7.1", -7.149)
    (True, False, True)
    """
    text = str(published_as if published_as is not None and str(published_as).strip() else stated).strip()
    decimals = len(text.partition(".")[2].rstrip("%").strip())
    unit = 10.0**-decimals
    if stated != 0 and computed != 0 and (stated > 0) != (computed > 0):
        return False
    size, target = abs(computed), abs(stated)
    return target - unit / 2 - 1e-9 <= size < target + unit - 1e-9


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def dates_in_words(text: str) -> str:
    """ISO dates in ``text`` written in words.

    >>> dates_in_words("2022-01-01 to 2022-12-31")
    '1 January 2022 to 31 December 2022'
    """

    def words(match: re.Match) -> str:
        return f"{int(match[3])} {Month(int(match[1]), int(match[2])).name}"

    return _ISO_DATE.sub(words, text)


def claim(row: Mapping) -> Question | None:
    """The question for a published claim the data contradict beyond rounding and truncation (the
    claims check's ``not consistent`` whose published figure is not the computed one rounded or cut to
    its decimals); ``None`` for a difference of presentation alone."""
    computed, stated = to_float(row.get("computed")), to_float(row.get("stated"))
    if computed is not None and stated is not None and rounding_alone(stated, row.get("published_as"), computed):
        return None
    quote = str(row["quote"]).lstrip("'")
    unit = "%" if "%" in quote else ""  # the claims file has no unit: a claim written in per cent is read so
    figure = f"{computed:.1f}{unit}" if computed is not None else "a different figure"
    period = dates_in_words(str(row["compared"]))
    stated_text = f"{number(stated)}{unit}" if stated is not None else "the figure"
    text = (
        f'The {row["source"]} says: "{quote}" The data supplied give {figure} ({period}) against {stated_text} '
        "stated, beyond rounding. Will the Commissioner correct the statement or publish the figures behind it?"
    )
    size = abs((computed or 0.0) - (stated or 0.0))
    return Question(KINDS[6], "Claims check", text, figure, period, f"{stated_text} stated", size)


def statutory_missing(statement: pd.DataFrame) -> Question | None:
    """One question naming the national measures with no figure in the statutory statement (7A)."""
    missing = list(dict.fromkeys(statement.loc[statement["verdict"] == "not supplied", "measure"]))
    if not missing:
        return None
    text = (
        f"The statutory statement has no figure for {len(missing)} of the {statement['measure'].nunique()} national "
        f"measures ({'; '.join(missing)}). When will the Commissioner publish the force's contribution to "
        f"{'it' if len(missing) == 1 else 'them'}, as the Specified Information Order requires?"
    )
    return Question(
        KINDS[7],
        "Statutory statement",
        text,
        f"{len(missing)} measure{'' if len(missing) == 1 else 's'} not supplied",
        "",
        "",
        len(missing),
    )


def measures_missing(priority: str, rows: list[Mapping], period: str) -> Question | None:
    """One question per priority naming its measures not supplied or out of date."""
    absent = [str(r["indicator"]) for r in rows if r.get("status") == "not supplied"]
    stale = [str(r["indicator"]) for r in rows if r.get("status") == "out of date"]
    if not absent and not stale:
        return None
    parts = []
    if absent:
        parts.append(f"{len(absent)} not supplied ({', '.join(absent)})")
    if stale:
        parts.append(f"{len(stale)} out of date for the {period} ({', '.join(stale)})")
    text = (
        f"{priority}: of the plan's measures, {' and '.join(parts)}. When will the Commissioner see these figures, "
        "and from whom?"
    )
    return Question(KINDS[8], priority, text, "; ".join(parts), period, "", len(absent) + len(stale))


def rank(questions: list[Question | None]) -> pd.DataFrame:
    """The questions ranked (kind in :data:`KINDS` order, then size, largest first; ties in the
    order given), numbered from 1, with ``in_paper`` true for the first :data:`IN_PAPER`."""
    kept = [q for q in questions if q is not None]
    ordered = sorted(enumerate(kept), key=lambda iq: (KINDS.index(iq[1].kind), -iq[1].size, iq[0]))
    rows = [{"rank": i + 1, **asdict(q)} for i, (_, q) in enumerate(ordered)]
    frame = pd.DataFrame(
        rows, columns=["rank", "kind", "priority", "question", "figure", "period", "comparator", "size"]
    )
    frame["in_paper"] = frame["rank"] <= IN_PAPER
    return frame.drop(columns="size")


def worse_rows(tables: pd.DataFrame) -> list[Question]:
    """A :func:`deterioration` question for each tested ``worse`` row of the indicator tables."""
    out = []
    for row in tables.to_dict("records"):
        v = verdict(row)
        if v.status == "worse" and v.tested:
            out.append(deterioration(row, str(row.get("priority", ""))))
    return out
