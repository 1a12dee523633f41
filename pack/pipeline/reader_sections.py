"""What the pack's reader sections keep of an executed notebook, and where its statutory statement is.

The combined pack shows each notebook's displayed tables, charts and text; a value's bare repr (a pandas
Series ending ``Name: n, dtype: float64``) and log or stream lines stay on the notebook's own page, with
its code, and never reach a reader section.
"""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor


def raw_output(output: dict) -> bool:
    """True for what a reader must never see: a value's bare repr (an ``execute_result`` with only
    ``text/plain``, e.g. a pandas Series ending ``Name: n, dtype: float64``) or a log/stream line.

    >>> raw_output({"output_type": "execute_result", "data": {"text/plain": "0    1\\nName: n, dtype: int64"}})
    True
    >>> raw_output({"output_type": "display_data", "data": {"text/html": "<p>x</p>", "text/plain": "x"}})
    False
    """
    if output.get("output_type") == "stream":
        return True
    return output.get("output_type") == "execute_result" and set(output.get("data", {})) <= {"text/plain"}


class ReaderOutputs(Preprocessor):
    """The pack's reader sections keep what a notebook displays and leave out :func:`raw_output` (both
    stay on the notebook's own page, with its code)."""

    def preprocess_cell(self, cell, resources, index):  # noqa: ANN001, ANN201 (nbconvert's signature)
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not raw_output(o)]
        return cell, resources


_STATUTORY = re.compile(r'<h[2-6] id="([^"]+)"[^>]*>Statutory statement')


def statutory_anchor(summary_html: str) -> str | None:
    """The id of the strategic summary's statutory statement heading (listed in Contents), if it has one.

    >>> statutory_anchor('<h3 id="sec-00-Statutory-statement">Statutory statement (SIO)</h3>')
    'sec-00-Statutory-statement'
    """
    found = _STATUTORY.search(summary_html)
    return found.group(1) if found else None
