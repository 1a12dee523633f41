"""Names in the packs built on the one-priority test plan (``tests/plans/one-priority.toml``; the
``one_priority_plan`` fixture gives its path in the session's folder)."""

STEM = "01_neighbourhood_crime"  # its one priority notebook
INDICATORS = f"{STEM}-indicators.csv"  # that notebook's indicator table, under tables/
NOTEBOOKS = 3  # the priority, the claims check (07) and the strategic summary (00)
