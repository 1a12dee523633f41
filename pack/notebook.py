"""What every notebook does first: check parameters, open the data, show the header."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pack import display
from pack.charts import apply_style
from pack.config import CLAIMS_STEM, DEMO_DATA_NOTICE, PLAN_NAME, SUMMARY_STEM, priority
from pack.data import Dataset, open_dataset, resolve_data_dir
from pack.disclosure import suppress_small_counts, suppressed_cells
from pack.findings import key_findings
from pack.indicators import indicator_table, write_csv, write_indicator_table
from pack.params import BuildParameters
from pack.periods import Window, comparison_windows, missing_months


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
    _suppressed: list[dict] = field(default_factory=list)

    def save_indicators(self, rows: list) -> pd.DataFrame:
        """Build, write (``tables/<stem>-indicators.csv``) and return the indicator table."""
        table = indicator_table(rows)
        write_indicator_table(table, self.output_dir, self.stem)
        return table

    def show_chart(self, chart, **kwargs) -> None:
        """Display a chart with its table and save its PNG under ``figures/``."""
        display.show_chart(chart, self.output_dir, self.stem, **kwargs)

    def comparison_windows_in(self, covered: list[str]) -> tuple[Window, ...]:
        """The baseline and current windows that the covered months include (for shading)."""
        return tuple(w for w in (self.baseline, self.current) if not missing_months(w, covered))

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
        sentences = key_findings(table, ids)
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
        row = consultation_row(frame, priority(self.stem).consultation_key)
        display.show_table(
            row.table, f"Public consultation, November 2021: '{priority(self.stem).title}' (source: {source})"
        )
        display.show_paragraph(row.sentence)

    def show_management_information(self) -> None:
        """Every management-information row supplied for this priority, with its source and note."""
        from pack.catalogue import mi_for_priority
        from pack.findings import mi_history

        expected = [m.id for m in mi_for_priority(priority(self.stem).number)]
        table = mi_history(self.data.table("mi"), expected)
        if table.empty:
            display.show_paragraph(
                "No management information was supplied for this priority (indicator ids "
                + ", ".join(expected)
                + ": see data/README.md)."
            )
        else:
            display.show_table(table, f"{priority(self.stem).title}: management information as supplied")

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


def start(
    stem: str,
    *,
    period_end: str,
    window_months: int | str,
    baseline_end: str,
    data_dir: str,
    output_dir: str,
    police_force: str,
    public: bool = False,
    suppress_below: int = 5,
) -> NotebookContext:
    """Validate parameters, open the data and show the notebook's header."""
    logging.getLogger("pack").setLevel(logging.WARNING)
    params = BuildParameters.create(
        period_end=period_end,
        window=window_months,
        baseline_end=baseline_end,
        data_dir=data_dir,
        police_force=police_force,
        public=public,
        suppress_below=suppress_below,
    )
    baseline, current = comparison_windows(params.period_end, params.window, params.baseline_end)
    apply_style()
    data = open_dataset(resolve_data_dir(data_dir), police_force)
    out = Path(output_dir)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    if stem == SUMMARY_STEM:
        title, aim = "Strategic summary", f"Delivery against the {PLAN_NAME}, all six priorities."
    elif stem == CLAIMS_STEM:
        title, aim = "Claims check", "Published statements tested against the data supplied."
    else:
        p = priority(stem)
        title, aim = f"Priority {p.number}: {p.title}", p.aim
    ctx = NotebookContext(stem, title, params, baseline, current, data, out)
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
    return ctx
