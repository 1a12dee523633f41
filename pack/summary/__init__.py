"""The strategic summary (notebook 00): the first screen of the pack and what it is made of.

This package's namespace is notebook 00's API:

- :mod:`pack.summary.overview`: the plan's indicator tables read together and what is out of date for
  the period (:func:`read_indicator_tables`, :func:`out_of_date`, :func:`out_of_date_sentence`,
  re-exported here); the statutory statement is :mod:`pack.paper.statutory`'s;
- :mod:`pack.summary.headlines`: the monthly series behind each headline tile's sparkline;
- :mod:`pack.summary.scorecard`: the tiles and the scorecard's rows, as records;
- :mod:`pack.summary.tiles`: those records as HTML and SVG;
- :mod:`pack.summary.scrutiny`: the questions to the Commissioner.

The status vocabulary the tiles use (:mod:`pack.verdicts`) stays beside the indicator tables, which
write it: moving it here would make this package and :mod:`pack.indicators` import each other.
"""

from pack.summary import headlines, scorecard, scrutiny, tiles
from pack.summary.overview import out_of_date, out_of_date_sentence, read_indicator_tables

__all__ = [
    "headlines",
    "out_of_date",
    "out_of_date_sentence",
    "read_indicator_tables",
    "scorecard",
    "scrutiny",
    "tiles",
]
