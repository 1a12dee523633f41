"""How precisely a published figure is written, and so how far a computed value may be from it.

A figure published as "7.1%" stands for any value that rounds to 7.1: it allows ±0.05; "50%" allows
±0.5; "1,370" allows ±0.5. The precision is read from how the claim's quote writes the figure
(:func:`written_figure`, :func:`precision`), never set per claim. A figure given in words ("almost
half") has no written precision: the claims file's ``tolerance`` says what range the words allow.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["NO_SAMPLING", "Allowance", "allowance", "precision", "written_figure"]

_NUMBER = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
NO_SAMPLING = (
    "no statistical allowance: the computed figure is taken from every record, or is the figure supplied, "
    "not a sample or an estimate"
)


def written_figure(quote: str, stated: float) -> str | None:
    """The published figure as the quote writes it: the first number in ``quote`` equal to ``|stated|``.

    >>> written_figure("and vehicle crime by 7.1%", -7.1), written_figure("an increase of 1,300", 1300)
    ('7.1', '1,300')
    >>> written_figure("average wait time down by almost half", -45) is None
    True
    """
    for match in _NUMBER.finditer(quote):
        text = match.group(0)
        if math.isclose(float(text.replace(",", "")), abs(stated), rel_tol=0, abs_tol=1e-9):
            return text
    return None


def precision(written: str) -> float:
    """Half a unit of the last digit written: the rounding a published figure allows.

    >>> precision("7.1"), precision("-50"), precision("1,370"), precision("0.50")
    (0.05, 0.5, 0.5, 0.005)
    """
    decimals = len(written.partition(".")[2])
    return round(0.5 * 10.0**-decimals, decimals + 1)


@dataclass(frozen=True)
class Allowance:
    """How far a computed value may be from the published one and still be ``consistent``:
    ``width`` (in the claim's unit), the figure as published and what the allowance is, in words."""

    width: float
    published_as: str
    words: str


def allowance(claim: dict) -> Allowance:
    """The published figure's precision, read from how the quote writes it; for a figure given in
    words, the claims file's ``tolerance`` (the range the words allow), else the rounding of the
    claims file's ``stated_value`` as written."""
    stated_text = claim["stated_value"].strip()
    stated, unit_name = float(stated_text.replace(",", "")), claim["unit"]
    if claim["measure"] in ("at_least", "at_most"):
        bound = "at least" if claim["measure"] == "at_least" else "at most"
        return Allowance(0.0, stated_text, f"a bound: the computed value must be {bound} {stated:g}")
    written = written_figure(claim["quote"], stated)
    if written is not None:
        r = precision(written)
        return Allowance(r, written, f"rounding: ±{r:g} {unit_name} (published as {written}); {NO_SAMPLING}")
    if claim["tolerance"]:
        t = float(claim["tolerance"])
        words = f"figure given in words, read as {stated:g} ± {t:g} {unit_name} (tolerance in the claims file)"
        return Allowance(t, stated_text, f"{words}; {NO_SAMPLING}")
    r = precision(stated_text.lstrip("+-"))
    words = f"rounding: ±{r:g} {unit_name} of the claims file's {stated_text} (the quote does not give it in digits)"
    return Allowance(r, stated_text, f"{words}; {NO_SAMPLING}")
