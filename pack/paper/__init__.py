"""The Panel's paper: what a panel member reads, in at most 15 A4 pages (``panel-paper.html`` and
``panel-paper.pdf``), built beside the evidence pack from the same tables.

- :mod:`pack.paper.judgement`: the office's own grade, narrative and actions per priority (a file, never generated);
- :mod:`pack.paper.questions`: questions to the Commissioner, ranked by importance;
- :mod:`pack.paper.statutory`: the statutory statement (Specified Information Order 7A to 7C);
- :mod:`pack.paper.collect`: what the strategic summary notebook writes for the paper
  (``tables/00_strategic_summary-*.csv``);
- :mod:`pack.paper.render`: the paper's HTML and its PDF (WeasyPrint).
"""
