"""The plan's public consultation: Likert counts per priority and the share agreeing."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

LIKERT = ("strongly_agree", "agree", "neither", "disagree", "strongly_disagree")
LIKERT_LABELS = ("Strongly agree", "Agree", "Neither", "Disagree", "Strongly disagree")


@dataclass(frozen=True)
class ConsultationRow:
    """One priority's consultation result."""

    priority: str
    responses: int
    share_agreeing: float
    table: pd.DataFrame
    sentence: str


def share_agreeing(counts: dict[str, int]) -> float:
    """Percentage answering "strongly agree" or "agree" of all answering.

    >>> round(share_agreeing({"strongly_agree": 421, "agree": 156, "neither": 41, "disagree": 13,
    ...                       "strongly_disagree": 1}), 1)
    91.3
    """
    total = sum(counts[k] for k in LIKERT)
    return (counts["strongly_agree"] + counts["agree"]) / total * 100 if total else float("nan")


def consultation_row(frame: pd.DataFrame, priority_name: str) -> ConsultationRow:
    """The row for ``priority_name`` with counts, percentages and a sentence."""
    match = frame[frame["priority"].str.lower() == priority_name.lower()]
    if match.empty:
        empty = pd.DataFrame({"answer": [], "responses": [], "share": []})
        return ConsultationRow(
            priority_name, 0, float("nan"), empty, f"No consultation result was supplied for '{priority_name}'."
        )
    row = match.iloc[0]
    counts = {k: int(row[k]) for k in LIKERT}
    total = sum(counts.values())
    table = pd.DataFrame(
        {
            "answer": list(LIKERT_LABELS),
            "responses": [counts[k] for k in LIKERT],
            "share": [f"{counts[k] / total * 100:.0f}%" for k in LIKERT],
        }
    )
    agree = share_agreeing(counts)
    sentence = (
        f"{agree:.0f}% of the {total:,} people who answered strongly agreed or agreed that "
        f"'{row['priority']}' should be a priority of the plan."
    )
    return ConsultationRow(str(row["priority"]), total, agree, table, sentence)
