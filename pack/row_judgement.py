"""What a significance test (or the want of one) makes of an indicator row: its :class:`Judgement`
(status, ``test`` column, words for the note, reason code), from a comparison record by
:func:`status_from`, the one place a test becomes a status; and the test's result in words
(:func:`comparison_note`).
"""

from __future__ import annotations

from dataclasses import dataclass

from pack.overdispersion import MIN_MOVING_RANGES
from pack.significance import Comparison, significance_status

NO_BETTER_DIRECTION = "none: direction only (neither direction is better)"
TOO_FEW_MONTHS = (
    f"none: too few months with records to estimate how much the counts vary (a test needs at least "
    f"{MIN_MOVING_RANGES} month-to-month changes from the start of the baseline to the end of the current window)"
)


def _percent(value: float) -> str:
    return f"{value:+.1f}%"


def comparison_note(result: Comparison) -> str:
    """A tested comparison in words, for a row's note: the estimate, its 95% interval, the p-value and
    (for counts) how much more the monthly counts vary than Poisson.

    >>> from pack.significance import compare_shares
    >>> comparison_note(compare_shares(48, 80, 56, 70))
    'change +20.0 percentage points (95% interval +5.2 to +33.4), p = 0.008'
    """
    if not result.tested or result.estimate is None or result.p_value is None:
        return ""
    p = f"p = {result.p_value:.3f}" if result.p_value >= 0.001 else "p < 0.001"
    if result.null == 1.0:
        lo, hi = result.percent_interval or (float("nan"), float("nan"))
        text = f"rate {_percent(result.percent_change)} (95% interval {_percent(lo)} to {_percent(hi)}), {p}"
    else:
        text = (
            f"change {result.estimate:+.1f} percentage points (95% interval {result.lower:+.1f} to "
            f"{result.upper:+.1f}), {p}"
        )
    if result.dispersion is not None and result.dispersion > 1.0:
        text += (
            f"; monthly counts vary {result.dispersion**0.5:.1f} times as much as chance alone "
            f"(dispersion {result.dispersion:.1f})"
        )
    elif result.dispersion is not None:
        text += "; monthly counts vary no more than chance alone (dispersion 1, the Poisson floor)"
    return text


@dataclass(frozen=True)
class Judgement:
    """What a test (or the want of one) makes of a row: ``status`` (``None``: the direction), the
    ``test`` column, words for the note and the ``reason`` code (:data:`pack.indicators.REASONS`)."""

    status: str | None
    test: str
    note: str
    reason: str


def status_from(result: Comparison, better_when: str, test: str) -> Judgement:
    """The row's :class:`Judgement` from a comparison record, the one place a test becomes a status.

    Tested with a better direction: the test's verdict (``improved``, ``worse``, ``no significant
    change``: :func:`pack.significance.significance_status`), reason ``tested``. Tested with no better
    direction: direction only (``None``), the test's result in the note, reason ``no_better_direction``.
    Not tested: direction only, with the comparison's own reason code (``too_few_months``, ...).
    """
    if not result.tested:
        reason = result.reason or "not_tested"
        why = TOO_FEW_MONTHS if reason == "too_few_months" else f"none: {result.note.removeprefix('not tested: ')}"
        return Judgement(None, why, "", reason)
    words = comparison_note(result)
    if better_when not in ("higher", "lower"):
        significant = "statistically significant" if result.significant else "not statistically significant"
        return Judgement(
            None, NO_BETTER_DIRECTION, f"{test.split(',')[0]}: {significant} ({words})", "no_better_direction"
        )
    return Judgement(significance_status(result, better_when), test, words, "tested")
