"""What every notebook does first: check parameters, open the data, show the header."""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pack import charts, display
from pack.baselines import baseline_name
from pack.catalogue import MEASURES, MI_CATALOGUE
from pack.charts import apply_style
from pack.config import CLAIMS_STEM, DEMO_DATA_NOTICE, SUMMARY_STEM
from pack.data import INPUT_NAMES, Dataset, open_dataset, resolve_data_dir
from pack.disclosure import suppress_small_counts, suppressed_cells
from pack.errors import NotebookError
from pack.figures import MIN_SPC_POINTS, Breakdown, Coverage, chart_series, spc_series
from pack.findings import headline, key_findings, xmr_sentences, xmr_title
from pack.indicators import IndicatorRow, indicator_table, mi_indicator, write_indicator_table
from pack.params import BuildParameters
from pack.periods import Window, comparison_windows, describe_months, overlap
from pack.plan import Plan, PlanPriority, load_plan, number_in_words
from pack.safe_csv import write_csv
from pack.spc import SPCResult, xmr


@dataclass
class NotebookContext:
    """Parameters, windows and data shared by the cells of one notebook."""

    stem: str
    title: str
    params: BuildParameters
    baseline: Window
    current: Window
    data: Dataset
    output_dir: Path
    plan: Plan
    _suppressed: list[dict] = field(default_factory=list)
    # every row the notebook's sections computed, in the plan or not: what chart titles read
    computed: pd.DataFrame | None = None

    @property
    def priority(self) -> PlanPriority:
        """The plan's priority this notebook reports on (``KeyError`` for the summary and the claims check)."""
        return self.plan.priority(self.stem)

    def measures(self, section: str) -> tuple[str, ...]:
        """The priority's measure ids that ``section`` computes, in the plan's order."""
        return self.priority.measures_of(section)

    def plan_rows(self, rows: list[IndicatorRow]) -> list[IndicatorRow]:
        """Exactly the priority's measures, in the plan's order: a computed measure from ``rows`` (a row
        computed but not in the plan is not shown); a management-information measure from ``rows`` or
        else from the ``mi`` input (*not supplied* when it has none). A computed measure with no row is
        an error naming it and its section (a notebook that does not compute what its plan lists)."""
        given = {r.indicator_id: r for r in rows}
        out = []
        for m in self.priority.measures:
            if m in given:
                out.append(given[m])
            elif MEASURES[m].source == "mi":
                out.append(mi_indicator(self.data.table("mi"), MI_CATALOGUE[m], self.baseline, self.current))
            else:
                raise NotebookError(
                    f"{self.plan.file.name}: priority {self.priority.number} lists the measure '{m}', but the "
                    f"notebook {self.stem} computed no row for it: its section '{MEASURES[m].section}' must run "
                    "in the notebook (run_pack.py new-plan writes it)"
                )
        return out

    def save_indicators(self, rows: list[IndicatorRow]) -> pd.DataFrame:
        """Build, write (``tables/<stem>-indicators.csv``) and return the indicator table: the plan's
        measures for this priority, in its order (:meth:`plan_rows`)."""
        self.computed = indicator_table(rows)
        table = indicator_table(self.plan_rows(rows))
        write_indicator_table(table, self.output_dir, self.stem)
        return table

    def headline(self, indicator_id: str) -> str:
        """A chart title stating the finding of ``indicator_id``, a row the sections computed whether or
        not the plan lists it (:func:`pack.findings.headline`)."""
        if self.computed is None or indicator_id not in set(self.computed["indicator_id"]):
            raise KeyError(f"no indicator row '{indicator_id}' was computed before this chart")
        return headline(self.computed, indicator_id)

    def show_chart(self, chart, **kwargs) -> None:
        """Display a chart with its table; save its PNG under ``figures/`` and its table under ``tables/``."""
        display.show_chart(chart, self.output_dir, self.stem, **kwargs)

    @functools.cached_property
    def coverage(self) -> Coverage:
        """The months every input covers (from the data-quality report): what every figure is checked against."""
        return Coverage.of(self.data, INPUT_NAMES)

    def windows_covered(self, needs: tuple[str, ...], coverage: Coverage | None = None) -> tuple[Window, ...]:
        """The baseline and current windows that the inputs ``needs`` cover in full (for shading)."""
        coverage = coverage or self.coverage
        return tuple(w for w in (self.baseline, self.current) if coverage.covers(w, needs))

    def show_trend(
        self, monthly: pd.Series, needs: tuple[str, ...], *, coverage: Coverage | None = None, **chart
    ) -> pd.Series:
        """A monthly trend chart of ``monthly`` by calendar month up to the reporting period, NaN in
        months the inputs ``needs`` miss (so no rolling 12-month total spans a gap); a sentence
        instead when no month up to the period is covered. Returns the series drawn."""
        coverage = coverage or self.coverage
        series = chart_series(monthly, coverage, needs, self.current.end)
        if series.notna().sum() == 0:
            display.show_paragraph(f"No {chart['what']} chart: the data cover no month up to {self.current.end.name}.")
            return series
        self.show_chart(charts.trend_chart(series, windows=self.windows_covered(needs, coverage), **chart))
        return series

    def show_xmr(
        self,
        monthly: pd.Series,
        needs: tuple[str, ...],
        *,
        name: str,
        what: str,
        ylabel: str,
        better_when: str = "n/a",
        coverage: Coverage | None = None,
        unit_words: str | None = None,
    ) -> SPCResult | None:
        """An XmR chart as Making Data Count draws it (:func:`pack.spc.xmr`) of the consecutive covered
        months ending at the reporting period (at most :data:`pack.figures.SPC_MONTHS`): limits
        rebased after a sustained shift with each phase drawn, special-cause months marked as
        improvement or concern by ``better_when``, the title saying what happened
        (:func:`pack.findings.xmr_title`) and the chart in words below it, with the latest month's
        variation icon and its meaning (:func:`pack.findings.xmr_sentences`; ``unit_words``, default
        ``what``, names a month's value). A sentence instead when fewer than 15 such months exist.
        Returns the analysis (``None`` without a chart)."""
        series = spc_series(monthly, coverage or self.coverage, needs, self.current.end)
        if len(series) < MIN_SPC_POINTS:
            display.show_paragraph(
                f"No XmR chart of {what}: it needs at least {MIN_SPC_POINTS} consecutive months the data cover, "
                f"ending {self.current.end.name}; there are {len(series)}."
            )
            return None
        result = xmr(series, better_when)
        title = xmr_title(what[:1].upper() + what[1:], result)
        self.show_chart(charts.xmr_chart(series, name=name, title=title, ylabel=ylabel, what=what, result=result))
        display.show_list(xmr_sentences(result, unit_words or what))
        return result

    def show_breakdown(
        self, breakdown: Breakdown, caption: str, name: str, counts: list[str] | None = None
    ) -> Breakdown:
        """Say which windows are left out (not covered), then show the breakdown's table (written
        to ``tables/<stem>-<name>.csv``), small counts in ``counts`` suppressed in a public pack.
        Returns the breakdown as shown."""
        for sentence in breakdown.left_out:
            display.show_paragraph(sentence)
        if breakdown.table.empty:
            return breakdown
        table = self.show_saved_table(breakdown.table, caption, name, counts)
        return Breakdown(table, breakdown.windows, breakdown.left_out)

    def show_saved_table(
        self, table: pd.DataFrame, caption: str, name: str, counts: list[str] | None = None
    ) -> pd.DataFrame:
        """Show ``table`` and write it to ``tables/<stem>-<name>.csv``, small counts in ``counts``
        suppressed in a public pack (in both). Returns the table as shown."""
        table = self.suppress(table, [c for c in (counts or []) if c in table])
        write_csv(table, self.output_dir / "tables" / f"{self.stem}-{name}.csv")
        display.show_table(table, caption)
        return table

    def show_bars(
        self,
        breakdown: Breakdown,
        *,
        category: str,
        values: list[str] | None = None,
        name: str,
        title: str | Callable[[pd.DataFrame], str],
        xlabel: str,
        what: str,
        counts: list[str] | None = None,
    ) -> None:
        """A bar chart of a breakdown: paired bars for two value columns, single bars for one (by
        default the breakdown's window columns); a sentence for each window left out, and no chart
        when no window is covered. In a public pack the chart is drawn from the table as
        suppressed: small counts in ``counts`` (default the values drawn; name the counts behind
        drawn rates) and everything that would reveal them blanked; a ``title`` that states a figure
        is given as a function of that table."""
        for sentence in breakdown.left_out:
            display.show_paragraph(sentence)
        columns = values or breakdown.columns
        if not breakdown.windows or not columns or breakdown.table.empty:
            return
        table = self.suppress(breakdown.table, [c for c in (counts or columns) if c in breakdown.table])
        title = title(table) if callable(title) else title
        common = {"category": category, "name": name, "title": title, "xlabel": xlabel, "what": what}
        if len(columns) == 2:
            chart = charts.paired_bar_chart(table, first=columns[0], second=columns[1], **common)
        else:
            chart = charts.bar_chart(table, value=columns[0], **common)
        self.show_chart(chart)

    def show_map(self, breakdown: Breakdown, *, name: str, what: str, districts: pd.DataFrame | None = None) -> None:
        """A density map of a breakdown of grid squares for the reporting window (small counts left
        out in a public pack, and the map says so), or the sentence saying the window is not covered."""
        for sentence in breakdown.left_out:
            display.show_paragraph(sentence)
        if breakdown.windows:
            grid = self.suppress(breakdown.table, ["n"], drop=True)
            below = self.params.suppress_below if self.params.public else None
            chart = charts.density_map(
                grid, name=name, what=what, period=self.current.label, districts=districts, suppressed_below=below
            )
            self.show_chart(chart)

    def show_overlap(self) -> None:
        """Say so when the baseline and reporting windows share months (figures shown, not tested)."""
        shared = overlap(self.baseline, self.current)
        if shared:
            display.show_notice(
                f"The baseline ({self.baseline.label}) and the reporting period ({self.current.label}) share "
                f"{describe_months(shared)}: their figures are shown side by side but are not independent, so no "
                "change between them is tested."
            )

    def suppress(self, frame: pd.DataFrame, columns: list[str], drop: bool = False) -> pd.DataFrame:
        """In a public pack, blank small counts (primary and secondary suppression) and the
        shares and rates computed from them; record how many count cells were blanked in
        ``tables/<stem>-suppression.csv`` (the manifest sums it)."""
        if not self.params.public:
            return frame
        out = suppress_small_counts(frame, columns, self.params.suppress_below)
        n = suppressed_cells(frame, out, columns)
        self._suppressed.append(
            {"table": len(self._suppressed) + 1, "columns": " ".join(columns), "cells_suppressed": n}
        )
        write_csv(pd.DataFrame(self._suppressed), self.output_dir / "tables" / f"{self.stem}-suppression.csv")
        if n:
            display.show_paragraph(
                f"{n} cell(s) with counts below {self.params.suppress_below} are suppressed (shown as –)."
            )
        return out.dropna(subset=columns) if drop else out

    def show_findings(self, table: pd.DataFrame, ids: list[str] | None = None) -> list[str]:
        """Display and return the key findings generated from the indicator table."""
        names = {self.baseline.label: baseline_name(self.baseline, self.plan.baseline_end)}
        sentences = key_findings(table, ids, baseline_names=names)
        display.show_list(sentences)
        return sentences

    def show_indicators(self, table: pd.DataFrame) -> None:
        """Display the indicator table."""
        display.show_indicator_table(
            table, f"{self.title}: indicators, {self.baseline.label} against {self.current.label}"
        )

    def show_consultation(self) -> None:
        """The plan's consultation result for this priority."""
        from pack.consultation import consultation_row

        frame, source = self.data.supplied_or_published("consultation")
        key = self.priority.consultation_key
        if frame is None or key is None:
            why = "the plan names no consultation row for this priority" if key is None else source
            display.show_paragraph(f"Public consultation on '{self.priority.title}': not supplied ({why}).")
            return
        row = consultation_row(frame, key)
        own = frame.loc[frame["priority"].str.lower() == key.lower(), "source"] if "source" in frame else []
        text = str(own.iloc[0]).strip() if len(own) and pd.notna(own.iloc[0]) else ""
        if text:
            source = f"{text}; {source}"  # the consultation's own source (its document, its date)
        display.show_table(row.table, f"Public consultation: '{self.priority.title}' (source: {source})")
        display.show_paragraph(row.sentence)

    def show_management_information(self) -> None:
        """Every management-information row supplied for this priority for a period ending by the end of
        the reporting period, with its source and note."""
        from pack.findings import mi_history

        expected = list(self.priority.mi_measures)
        table = mi_history(self.data.table("mi"), expected, until=self.current.last_day)
        if table.empty:
            display.show_paragraph(
                f"No management information was supplied for this priority for a period ending by "
                f"{self.current.end.name} (indicator ids " + ", ".join(expected) + ": see data/README.md)."
            )
        else:
            display.show_table(
                table, f"{self.priority.title}: management information as supplied, to {self.current.end.name}"
            )

    def show_data_quality(self, inputs: list[str]) -> None:
        """Coverage, rejections and notes for the inputs this notebook uses, and the cross-checks that
        concern them (each shown only where its input is used; every check is in the pack's appendix)."""
        from pack.quality import input_quality_table

        display.show_table(input_quality_table(self.data.quality, inputs), "Inputs used by this notebook")
        notes = self.data.quality.notes(inputs)
        checks = [
            f"{c.check}: {c.detail} ({c.resolution})"
            for c in self.data.quality.checks
            if not c.inputs or set(c.inputs) & set(inputs)
        ]
        if notes or checks:
            display.show_list(notes[:20] + checks)


def _heading(plan: Plan, stem: str) -> tuple[str, str]:
    """A notebook's title and aim: the summary's and the claims check's, or its priority's in the plan
    (:class:`NotebookError` for a notebook that is not one of the plan's priorities)."""
    if stem == SUMMARY_STEM:
        return (
            "Strategic summary",
            f"Delivery against the {plan.name}, all {number_in_words(len(plan.priorities))} priorities.",
        )
    if stem == CLAIMS_STEM:
        return "Claims check", "Published statements tested against the data supplied."
    try:
        p = plan.priority(stem)
    except KeyError:
        raise NotebookError(
            f"the notebook {stem} is not a priority of the plan {plan.file.name} ({', '.join(plan.stems)})"
        ) from None
    return f"Priority {p.number}: {p.title}", p.aim


def start(
    stem: str,
    *,
    period_end: str,
    window_months: int | str,
    baseline_end: str | None,
    data_dir: str,
    output_dir: str,
    police_force: str | None,
    public: bool = False,
    suppress_below: int = 5,
    plan_file: str = "",
) -> NotebookContext:
    """Validate parameters, read the plan (``plan_file``, ``""`` the default plan), open the data and
    show the notebook's header. An empty ``police_force`` or ``baseline_end`` (the notebooks' defaults)
    is the plan's (:meth:`pack.params.BuildParameters.create`)."""
    logging.getLogger("pack").setLevel(logging.WARNING)
    plan = load_plan(plan_file)
    params = BuildParameters.create(
        period_end=period_end,
        window=window_months,
        baseline_end=baseline_end or None,
        data_dir=data_dir,
        police_force=police_force or None,
        public=public,
        suppress_below=suppress_below,
        plan_file=plan_file,
    )
    police_force = params.police_force
    baseline, current = comparison_windows(params.period_end, params.window, params.baseline_end)
    apply_style()
    data = open_dataset(resolve_data_dir(data_dir), police_force, published=plan.published)
    out = Path(output_dir)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    title, aim = _heading(plan, stem)
    ctx = NotebookContext(stem, title, params, baseline, current, data, out, plan)
    if data.is_demo:
        display.show_notice(DEMO_DATA_NOTICE + ": figures are generated to resemble the published ones.", "demo")
    display.show_html(
        f'<p class="period"><strong>Aim:</strong> {html.escape(aim)}<br>'
        f"<strong>Reporting period:</strong> {html.escape(current.label)}; "
        f"<strong>compared with:</strong> {html.escape(baseline.label)}; "
        f"<strong>force:</strong> {html.escape(police_force)}"
        + ("; <strong>public pack:</strong> counts below " + str(suppress_below) + " suppressed" if public else "")
        + "</p>"
    )
    ctx.show_overlap()
    return ctx
