"""Reproducible evidence pack for a Police and Crime Commissioner's plan.

The package is what the notebooks and the command line import: data loading and validation
(:mod:`pack.data.stage`), reporting periods (:mod:`pack.periods`), measures (:mod:`pack.measures`),
charts (:mod:`pack.charts`) and the build itself (:mod:`pack.pipeline.run`).
"""

__version__ = "0.1.0"
