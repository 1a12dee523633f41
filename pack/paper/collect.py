"""What the strategic summary notebook hands to the Panel's paper: the first screen as a flat table,
one line per priority, the ranked questions and the statutory statement, each written to
``tables/00_strategic_summary-<name>.csv`` so every figure of the paper is also in the pack.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pack.compare import NationalComparison
from pack.config import SUMMARY_STEM
from pack.data import Dataset, resolve_data_dir
from pack.hotspots import HotspotComparison
from pack.paper import questions as q
from pack.paper.judgement import judgement_rows, load_judgement
from pack.paper.statutory import complaints_7c, load_peel, statement_7a
from pack.periods import Month, Window
from pack.plan import Plan, PlanPriority, Target
from pack.policing import uplift_progress
from pack.safe_csv import write_csv
from pack.spc import MIN_POINTS, xmr
from pack.summary.headlines import Trend
from pack.summary.scorecard import Tile
from pack.verdicts import counts_phrase, label_months, verdict, with_unit

PAPER_TABLES = (
    "first-screen",
    "priority-lines",
    "questions",
    "comparators",
    "comparators-about",
    "statutory-7a",
    "peel-7b",
    "complaints-7c",
    "judgement",
)


SAME_UNIT_MONTHLY = ("seconds", "minutes", "%")  # a month's figure is in the headline's own unit (a mean, a share)


def latest_month(trend: Trend | None, unit: str) -> str:
    """The latest month's figure beside a headline that is a mean or a share over the window (the
    Commissioner reports call times by the latest month); empty for counts, whose month is not
    comparable with a 12-month total, and for series that are not monthly.

    >>> latest_month(Trend(pd.Series([5.9, 2.77], index=["2023-12", "2024-01"]), "x", True), "minutes")
    'January 2024: 2.77 minutes'
    >>> latest_month(Trend(pd.Series([5.0], index=["2024-01"]), "x", True), "incidents")
    ''
    """
    if trend is None or not trend.monthly or unit not in SAME_UNIT_MONTHLY or trend.values.dropna().empty:
        return ""
    values = trend.values.dropna()
    return f"{Month.parse(str(values.index[-1])[:7]).name}: {with_unit(float(values.iloc[-1]), unit)}"


def _on_or_before(uplift: pd.DataFrame, day: str) -> pd.Series | None:
    rows = uplift[uplift["date"].astype(str) <= day]
    return None if rows.empty else rows.iloc[-1]


def _day(date: object) -> str:
    day = pd.Timestamp(str(date))
    return f"{day.day} {day:%B %Y}"


def uplift_measure(uplift: pd.DataFrame | None, target: float | None, target_date: str | None) -> dict | None:
    """Officers added since the target's base date against the plan's uplift target, at the target's date
    and at the latest date (``uplift``: :func:`pack.policing.uplift_progress`); ``None`` without a target.

    >>> frame = pd.DataFrame({"date": ["2019-09-30", "2023-03-31", "2023-12-31"], "officers": [1785, 2136, 2124]})
    >>> frame["increase_since_sep_2019"] = frame["officers"] - 1785
    >>> print(uplift_measure(frame, 283, "2023-03-31")["value"])
    +351 officers by 31 March 2023 against the target of 283: met; +339 at 31 December 2023
    """
    if uplift is None or uplift.empty or target is None or not target_date or pd.isna(target):
        return None
    at_target, latest = _on_or_before(uplift, target_date), uplift.iloc[-1]
    if at_target is None or pd.isna(at_target["increase_since_sep_2019"]):
        return None
    added = int(at_target["increase_since_sep_2019"])
    met = "met" if added >= target else "not met"
    value = f"{added:+,} officers by {_day(at_target['date'])} against the target of {int(target):,}: {met}"
    if str(latest["date"]) != str(at_target["date"]):
        value += f"; {int(latest['increase_since_sep_2019']):+,} at {_day(latest['date'])}"
    return {"value": value, "status": f"target {met}", "period": ""}  # the dates are in the value


def uplift_target(plan: Plan) -> tuple[PlanPriority, Target] | None:
    """The plan's officer uplift: its target on ``officer_headcount`` as an increase over a base date, and
    the priority setting it; ``None`` when the plan sets none (then the pack makes no uplift judgement)."""
    for p in plan.priorities:
        for t in p.targets:
            if t.measure == "officer_headcount" and t.kind == "increase_over":
                return p, t
    return None


def uplift_for(data: Dataset, plan: Plan, current: Window) -> dict | None:
    """:func:`uplift_measure` from the workforce input and the plan's uplift target (:func:`uplift_target`:
    its value, base date and the date it is due), with the priority setting it and the measure's name;
    ``None`` when the plan sets no such target or the workforce input cannot show it."""
    found = uplift_target(plan)
    if found is None:
        return None
    priority, target = found
    progress = uplift_progress(data.table("workforce"), target.value, until=current.last_day, base=target.base_date)
    measure = uplift_measure(progress, target.value, target.by)
    if measure is None:
        return None
    since = f"{_day(target.base_date)}" if target.base_date else "the base date"
    return {**measure, "priority": priority, "name": f"Police Uplift: officers added since {since}"}


def tiles_table(tiles: list[Tile], uplift: dict | None = None) -> pd.DataFrame:
    """The first screen flat: one row per headline measure (priority, measure, value with unit, period,
    change in words, verdict, whether tested, better direction, position against other forces)."""
    rows = []
    for tile in tiles:
        for m in tile.measures:
            rows.append(
                {
                    "priority_number": tile.priority.number,
                    "priority": tile.priority.title,
                    "indicator_id": m.indicator_id,
                    "measure": m.name,
                    "value": m.value,
                    "period": m.period,
                    "change": m.change,
                    "status": m.verdict.status,
                    "tested": m.verdict.tested,
                    "better_when": m.better_when,
                    "position": m.position.text if m.position is not None else "",
                    "latest_month": latest_month(m.trend, m.unit),
                    "benchmark": m.benchmark,
                }
            )
    if uplift is not None:
        p = uplift["priority"]
        first = next((i for i, r in enumerate(rows) if r["priority_number"] == p.number), len(rows))
        rows.insert(
            first,
            {
                "priority_number": p.number,
                "priority": p.title,
                "indicator_id": "police_uplift",
                "measure": uplift["name"],
                "value": uplift["value"],
                "period": uplift["period"],
                "change": "",
                "status": uplift["status"],
                "tested": False,
                "better_when": "higher",
                "position": "",
                "latest_month": "",
                "benchmark": "",
            },
        )
    return pd.DataFrame(rows)


def priority_line(words: list[str]) -> str:
    """One line for a priority from its verdict words: tested verdicts counted apart from direction-only
    ones, never added together (:func:`pack.verdicts.counts_phrase`).

    >>> print(priority_line(["improved", "no significant change", "up", "down", "not supplied"]))
    2 measures tested: 1 improved, 1 no significant change; 2 by direction only (not tested): 1 up, 1 down; ...
    """
    tested = sum(1 for w in words if w in ("improved", "worse", "no significant change"))
    direction = sum(1 for w in words if w in ("up", "down", "unchanged"))
    phrase = counts_phrase(words)
    if tested:
        phrase = phrase.replace("tested: ", f"{tested} measure{'' if tested == 1 else 's'} tested: ", 1)
    else:
        phrase = "no measure tested" + (f"; {phrase}" if phrase else "")
    if direction:
        phrase = phrase.replace("direction only: ", f"{direction} by direction only (not tested): ", 1)
    return phrase


def priority_lines(tables: pd.DataFrame, priorities: tuple[PlanPriority, ...]) -> pd.DataFrame:
    """One line per priority (:func:`priority_line`) from its indicator table's verdicts."""
    rows = []
    for p in priorities:
        words = [verdict(r).status for r in tables[tables["stem"] == p.stem].to_dict("records")]
        rows.append({"priority_number": p.number, "priority": p.title, "stem": p.stem, "summary": priority_line(words)})
    return pd.DataFrame(rows)


def _concern(tiles: list[Tile], tables: pd.DataFrame, period: str) -> list[q.Question]:
    out = []
    for tile in tiles:
        for m in tile.measures:
            rows = tables[tables["indicator_id"] == m.indicator_id]
            months = label_months(rows["current_label"].iloc[0]) if len(rows) else None
            if m.trend is None or not m.trend.monthly or months is None or len(m.trend.values) < MIN_POINTS:
                continue
            points = xmr(m.trend.values.astype("float64"), m.better_when).points
            inside = [months[0] <= Month.parse(str(i)[:7]) <= months[1] for i in points.index]
            found = points[(points["point_type"] == "special_cause_concern") & pd.Series(inside, index=points.index)]
            if len(found):
                names = [Month.parse(str(i)[:7]).name for i in found.index]
                out.append(q.concern(m.name, tile.priority.title, names, sorted(set(found["rule"])), period))
    return out


def _read(output_dir: Path, name: str) -> pd.DataFrame | None:
    path = Path(output_dir) / "tables" / name
    return pd.read_csv(path) if path.is_file() else None


def _section_table(
    output_dir: Path, priorities: list[PlanPriority], section: str, name: str
) -> tuple[pd.DataFrame | None, str]:
    """The table ``tables/<stem>-<name>`` written by the first priority whose notebook runs ``section``
    and wrote it, with that priority's title; ``(None, "")`` when none did (the plan has no such section)."""
    for p in priorities:
        if section in p.sections:
            table = _read(output_dir, f"{p.stem}-{name}")
            if table is not None:
                return table, p.title
    return None, ""


def _section_title(priorities: list[PlanPriority], section: str) -> str:
    return next((p.title for p in priorities if section in p.sections), "")


def ranked_questions(
    tables: pd.DataFrame,
    tiles: list[Tile],
    claims: pd.DataFrame | None,
    hotspots: HotspotComparison | str,
    statement: pd.DataFrame,
    output_dir: Path,
    current_label: str,
) -> pd.DataFrame:
    """Every question of :mod:`pack.paper.questions`, ranked, from the indicator tables, the first
    screen, the claims check's verdicts, the hotspot comparison, the statutory statement and the
    tables the priority notebooks wrote (comparison, stop-and-search disparity, 999 answer bands), each
    under the priority whose notebook runs the section that wrote it (the tiles give the plan's priorities)."""
    priorities = [tile.priority for tile in tiles]
    found: list[q.Question | None] = [*q.worse_rows(tables)]
    found += q.comparator_questions(*_section_table(output_dir, priorities, "comparators", "comparison.csv"))
    hotspot_title = _section_title(priorities, "asb_hotspots")
    if isinstance(hotspots, HotspotComparison) and hotspot_title:
        t = hotspots.test
        ratio = (t.estimate, t.lower, t.upper) if t.tested and t.estimate is not None else None
        windows = f"{hotspots.baseline.label} → {hotspots.current.label}"
        found.append(
            q.counterfactual(hotspots.hotspot_pct, hotspots.rest_pct, ratio, hotspots.finding, windows, hotspot_title)  # type: ignore[arg-type]
        )
    ratios, title = _section_table(output_dir, priorities, "stop_search", "stop-search-disparity-officer-defined.csv")
    found.append(q.disparity(ratios, current_label, title))
    bands, title = _section_table(output_dir, priorities, "calls", "999-answer-bands.csv")
    found.append(q.standard_999(bands, current_label, title))
    found += _concern(tiles, tables, current_label)
    if claims is not None and len(claims):
        found += [q.claim(r) for r in claims.to_dict("records") if r.get("verdict") == "not consistent"]
    found.append(q.statutory_missing(statement))
    for p in priorities:
        found.append(q.measures_missing(p.title, tables[tables["stem"] == p.stem].to_dict("records"), current_label))
    return q.rank(found)


def first_screen(
    tables: pd.DataFrame, tiles: list[Tile], data_dir: str, output_dir: Path | str, uplift: dict | None = None
) -> pd.DataFrame:
    """Save the first screen (``first-screen``), one line per priority (``priority-lines``) and the
    office's judgement (``judgement``, from ``judgement.csv`` in the data folder, *not supplied* where
    absent); returns one row per priority with its line and the office's grade, narrative and actions."""
    priorities = tuple(tile.priority for tile in tiles)
    save(tiles_table(tiles, uplift), output_dir, "first-screen")
    lines = save(priority_lines(tables, priorities), output_dir, "priority-lines")
    judged = judgement_rows(load_judgement(resolve_data_dir(data_dir), priorities), priorities)
    office = save(pd.DataFrame(judged), output_dir, "judgement")
    merged = lines.merge(office.drop(columns="priority"), on="stem")
    return merged[["priority", "summary", "grade", "narrative", "actions"]].rename(
        columns={
            "summary": "verdicts of its measures",
            "grade": "office's grade",
            "actions": "actions since the last meeting",
        }
    )


def statement(
    tables: pd.DataFrame, mi: pd.DataFrame | None, data_dir: str, windows: tuple, output_dir: Path | str
) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame]:
    """Save and return the statutory statement: 7A (``statutory-7a``), the latest PEEL grades (``peel-7b``,
    ``None`` when ``peel.csv`` is not supplied) and complaints (``complaints-7c``)."""
    baseline, current = windows
    measures = save(statement_7a(tables, mi, baseline, current), output_dir, "statutory-7a")
    peel = load_peel(resolve_data_dir(data_dir))
    save(peel if peel is not None else pd.DataFrame(columns=["published", "area", "grade"]), output_dir, "peel-7b")
    complaints = save(complaints_7c(mi, baseline, current), output_dir, "complaints-7c")
    return measures, peel, complaints


def save(frame: pd.DataFrame, output_dir: Path | str, name: str) -> pd.DataFrame:
    """Write one of :data:`PAPER_TABLES` to ``tables/00_strategic_summary-<name>.csv``; returns the frame."""
    if name not in PAPER_TABLES:
        raise ValueError(f"{name!r} is not one of the paper's tables: {', '.join(PAPER_TABLES)}")
    write_csv(frame, Path(output_dir) / "tables" / f"{SUMMARY_STEM}-{name}.csv")
    return frame


def comparators_about(national: NationalComparison) -> pd.DataFrame:
    """What the comparators are, for the paper beside their table: the national pool named for what it
    holds ("37 forces in the data, 67% of residents of England and Wales; missing: ...") and the most
    similar group with its list's status ("UNVERIFIED list ...")."""
    pool = national.pool.label if national.pool is not None else "the forces in the data folder"
    return pd.DataFrame(
        {"comparator": ["National pool", "Most similar group"], "what it is": [pool, national.peers.label]}
    )
