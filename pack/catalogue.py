"""The one catalogue of measures: every measure a plan can report, computed or supplied.

A plan (:mod:`pack.plan`) lists, per priority, the measures its indicator table reports, from this
catalogue. Each measure has an id (the indicator table's ``indicator_id``), a name, a unit, the
direction that counts as better (``higher``, ``lower`` or ``n/a``) and where it comes from:

- ``computed``: the pack computes it from open data in one *section* of a priority notebook
  (:data:`SECTIONS`; :data:`COMPUTED`);
- ``mi``: management information, which has no public dataset: the force or PCC office supplies it
  as a long table (the ``mi`` input's ``indicator_id``; :data:`MI_CATALOGUE`), each a level (a stock
  at a date, e.g. members) or a count over a period (e.g. referrals). A plan's MI measure with no
  figure supplied shows as *not supplied*.

Published figures are not here: they are claims (a plan's published ``claims.csv``).
``run_pack.py measures`` prints the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

# The sections a priority notebook can run, each computing its measures from open data (the names of
# the section templates). Management information, the consultation, data quality and the method are
# parts of every priority notebook, not sections.
SECTIONS = (
    "workforce",
    "calls",
    "stop_search",
    "crime_groups",
    "asb_hotspots",
    "comparators",
    "roads",
    "rural",
    "victims_outcomes",
    "finance",
)


@dataclass(frozen=True)
class Measure:
    """One measure of the catalogue: what a plan may list in a priority's ``measures``."""

    id: str
    name: str
    unit: str
    better_when: str  # "higher", "lower" or "n/a"
    source: str  # "computed" or "mi"
    section: str | None = None  # the section computing it (computed measures only)


@dataclass(frozen=True)
class MIIndicator:
    """One management-information indicator."""

    id: str
    name: str
    unit: str
    kind: str  # "level" or "count"
    better_when: str  # "higher", "lower" or "n/a"

    @property
    def domain(self) -> str:
        """The values the indicator can take: ``share`` (a percentage of a whole, 0 to 100),
        ``change`` (a percentage change, either sign), ``amount`` (money, either sign: savings
        can be lost), ``rate`` (per 1,000, 0 or more) or ``count`` (people, hours, things: 0 or
        more), read from its unit (:data:`CHANGES` are the percentages that are changes)."""
        if self.unit == "%":
            return "change" if self.id in CHANGES else "share"
        return {"£m": "amount", "per 1,000": "rate"}.get(self.unit, "count")


# Computed measures: (id, name, unit, better_when, section), as the function computing each row names
# it (a name may add what the data say, e.g. the outcome rows' follow-up months). Crime groups are
# pack.crime.CRIME_GROUPS; a test checks them, and every row of a default build, against this list.
_COMPUTED = [
    ("officer_headcount", "Police officers (headcount)", "people", "higher", "workforce"),
    ("officer_fte", "Police officers (FTE)", "FTE", "higher", "workforce"),
    ("pcso_fte", "PCSOs (FTE)", "FTE", "higher", "workforce"),
    ("special_headcount", "Special constables (headcount)", "people", "higher", "workforce"),
    ("answer_999_seconds", "999 mean answer time", "seconds", "lower", "calls"),
    ("wait_101_minutes", "101 mean wait", "minutes", "lower", "calls"),
    ("calls_999_per_day", "999 calls per day", "calls per day", "n/a", "calls"),
    ("calls_101_per_day", "101 calls per day", "calls per day", "n/a", "calls"),
    ("answer_999_within_10s_pct", "999 calls answered within 10 seconds (standard 90%)", "%", "higher", "calls"),
    ("stop_searches", "Stop and search", "searches", "n/a", "stop_search"),
    (
        "stop_search_linked_outcome_pct",
        "Searches with an outcome linked to the object of search",
        "%",
        "higher",
        "stop_search",
    ),
    ("asb_incidents", "Anti-social behaviour incidents", "incidents", "lower", "crime_groups"),
    ("burglary", "Burglary", "crimes", "lower", "crime_groups"),
    (
        "serious_acquisitive_crime",
        "Serious acquisitive crime (burglary, robbery, vehicle crime)",
        "crimes",
        "lower",
        "crime_groups",
    ),
    (
        "neighbourhood_crime",
        "Neighbourhood crime (burglary, robbery, vehicle crime, theft from the person)",
        "crimes",
        "lower",
        "crime_groups",
    ),
    ("violence_sexual_offences", "Violence and sexual offences", "crimes", "lower", "crime_groups"),
    ("vehicle_crime", "Vehicle crime", "crimes", "lower", "crime_groups"),
    ("robbery", "Robbery", "crimes", "lower", "crime_groups"),
    ("possession_of_weapons", "Possession of weapons offences", "crimes", "n/a", "crime_groups"),
    ("drugs", "Drug offences", "crimes", "n/a", "crime_groups"),
    ("hotspot_asb", "ASB incidents in patrolled hotspot areas", "incidents", "lower", "asb_hotspots"),
    ("ksi_casualties", "Killed or seriously injured (KSI) casualties", "casualties", "lower", "roads"),
    ("killed_casualties", "Killed casualties", "casualties", "lower", "roads"),
    ("seriously_injured_casualties", "Seriously injured casualties", "casualties", "lower", "roads"),
    ("rural_crime_records", "Crimes in rural areas (anti-social behaviour excluded)", "crimes", "lower", "rural"),
    ("rural_burglary", "Burglary in rural areas (all burglary)", "crimes", "lower", "rural"),
    ("rural_vehicle_crime", "Vehicle crime in rural areas", "crimes", "lower", "rural"),
    (
        "rural_asb_incidents",
        "Anti-social behaviour incidents in rural areas (not crimes)",
        "incidents",
        "lower",
        "rural",
    ),
    ("crimes_with_outcome_pct", "Crimes with an outcome record", "%", "higher", "victims_outcomes"),
    ("charge_rate_pct", "Crimes charged or summonsed", "%", "higher", "victims_outcomes"),
    ("revenue_budget_total", "Revenue budget", "£m", "n/a", "finance"),
    ("capital_programme_total", "Capital programme", "£m", "n/a", "finance"),
    ("net_expenditure", "Net expenditure", "£m", "n/a", "finance"),
    (
        "revenue_outturn_variance_pct",
        "Revenue outturn against budget: variance, over or under",
        "%",
        "lower",
        "finance",
    ),
    ("usable_reserves_gbp_m", "Usable reserves at the year's end", "£m", "n/a", "finance"),
]

# Management information: (id, name, unit, kind, better_when). Ids first used as national measures
# (homicides to complaint_days_to_contact) feed the statutory statement (pack.paper.statutory).
_ROWS = [
    ("officers_taser_trained", "Officers taser-trained", "officers", "level", "higher"),
    ("officers_pursuit_trained", "Officers pursuit-trained", "officers", "level", "higher"),
    (
        "police_uplift_target",
        "Police Uplift target (additional officers over September 2019)",
        "officers",
        "level",
        "n/a",
    ),
    ("neighbourhood_watch_members", "Neighbourhood Watch members", "members", "level", "higher"),
    ("hotspot_patrol_hours", "ASB hotspot patrol hours", "hours", "count", "higher"),
    ("hotspot_arrests", "Arrests during ASB hotspot patrols", "arrests", "count", "n/a"),
    ("hotspot_stop_searches", "Stop searches during ASB hotspot patrols", "searches", "count", "n/a"),
    ("hotspot_intelligence_items", "Intelligence items from ASB hotspot patrols", "items", "count", "higher"),
    ("immediate_justice_referrals", "Immediate Justice referrals", "referrals", "count", "higher"),
    ("speedwatch_groups", "Community Speedwatch groups", "groups", "level", "higher"),
    ("speedwatch_members", "Community Speedwatch members", "members", "level", "higher"),
    ("op_capture_submissions", "Operation Capture dashcam submissions", "submissions", "count", "n/a"),
    ("speed_indicator_devices", "Speed indicator devices funded", "devices", "level", "higher"),
    ("sid_mean_speed_reduction_pct", "Mean speed reduction where devices installed", "%", "level", "higher"),
    ("bikesafe_attendees", "BikeSafe workshop attendees", "attendees", "count", "higher"),
    ("fatal4_speeding_offences", "Fatal 4: speeding offences detected", "offences", "count", "n/a"),
    ("fatal4_drink_drug_driving_arrests", "Fatal 4: drink/drug driving arrests", "arrests", "count", "n/a"),
    ("fatal4_seatbelt_offences", "Fatal 4: seatbelt offences", "offences", "count", "n/a"),
    ("fatal4_mobile_phone_offences", "Fatal 4: mobile phone offences", "offences", "count", "n/a"),
    ("rural_residential_burglary", "Rural residential burglary", "crimes", "count", "lower"),
    ("rural_business_burglary", "Rural business and community burglary", "crimes", "count", "lower"),
    ("farm_watch_members", "Farm Watch members", "members", "level", "higher"),
    ("wildlife_crime_officers", "Wildlife crime officers", "officers", "level", "higher"),
    ("rural_spocs", "Rural single points of contact", "officers", "level", "higher"),
    ("victim_services_investment_gbp_m", "Investment in victim support services", "£m", "level", "higher"),
    ("burglary_attendance_pct", "Attendance at residential burglary", "%", "level", "higher"),
    (
        "stalking_prevention_orders_per_1000",
        "Stalking prevention orders per 1,000 cases",
        "per 1,000",
        "level",
        "higher",
    ),
    ("stalking_advocate_referrals", "Independent stalking advocate referrals", "referrals", "count", "n/a"),
    ("rasso_positive_outcome_rate_pct", "RASSO positive outcome rate", "%", "level", "higher"),
    ("cps_file_quality_pct", "File quality submissions to CPS meeting standard", "%", "level", "higher"),
    ("repeat_missing_children", "Repeat missing children", "children", "count", "lower"),
    ("victim_satisfaction_pct", "Victim satisfaction", "%", "level", "higher"),
    # savings are welcome but an underspend is money not spent on the plan: no better direction for the sum
    ("savings_and_underspends_gbp_m", "In-year savings and underspends", "£m", "count", "n/a"),
    ("street_triage_hours_saved", "Officer hours saved by mental-health street triage", "hours", "count", "higher"),
    ("drone_savings_gbp_m", "Drone savings against National Police Air Service", "£m", "count", "higher"),
    ("drone_pilots", "Trained drone pilots", "pilots", "level", "higher"),
    ("national_procurement_savings_gbp_m", "Savings through national procurement", "£m", "count", "higher"),
    ("homicides", "Homicides", "offences", "count", "lower"),
    ("county_lines_closed", "County lines closed", "lines", "count", "higher"),
    ("drug_trafficking_offences", "Drug trafficking (supply) offences", "offences", "count", "n/a"),
    ("cyber_crime_reports", "Cyber crime reports (Action Fraud, force area)", "reports", "count", "n/a"),
    ("knife_crime_offences", "Knife and sharp-instrument offences", "offences", "count", "lower"),
    ("sharp_object_admissions", "Hospital admissions for assault by a sharp object", "admissions", "count", "lower"),
    ("da_victim_satisfaction_pct", "Domestic abuse victims satisfied with the service", "%", "level", "higher"),
    ("complaints_logged", "Public complaints logged", "complaints", "count", "n/a"),
    ("complaint_days_to_log", "Mean working days to log a complaint", "days", "level", "lower"),
    ("complaint_days_to_contact", "Mean working days to contact the complainant", "days", "level", "lower"),
]

CHANGES = frozenset({"sid_mean_speed_reduction_pct"})  # percentages that measure a change, not a share
DOMAIN_LIMITS = {  # (lowest, highest, what is expected) of each domain's values
    "share": (0.0, 100.0, "a share from 0 to 100"),
    "change": (float("-inf"), float("inf"), "a change"),
    "amount": (float("-inf"), float("inf"), "an amount"),
    "rate": (0.0, float("inf"), "a rate of 0 or more"),
    "count": (0.0, float("inf"), "a count of 0 or more"),
}

MI_CATALOGUE: dict[str, MIIndicator] = {row[0]: MIIndicator(*row) for row in _ROWS}
COMPUTED: dict[str, Measure] = {row[0]: Measure(*row[:4], "computed", row[4]) for row in _COMPUTED}
# Every measure, computed ones first: the plan's measures are checked against this.
MEASURES: dict[str, Measure] = {
    **COMPUTED,
    **{m.id: Measure(m.id, m.name, m.unit, m.better_when, "mi") for m in MI_CATALOGUE.values()},
}
# shares of cases that reached an outcome: a recent period's cases have had less time (censoring), and
# management information does not say how long each period's cases had, so its figures are not compared
OUTCOME_SHARES = frozenset({"rasso_positive_outcome_rate_pct"})


def section_measures(section: str) -> list[str]:
    """The computed measure ids of ``section``, in catalogue order."""
    return [m.id for m in COMPUTED.values() if m.section == section]


def catalogue_lines() -> list[str]:
    """The catalogue as ``run_pack.py measures`` prints it: one line per measure."""
    lines = []
    for m in MEASURES.values():
        where = f"computed in section {m.section}" if m.source == "computed" else "management information"
        lines.append(f"{m.id}: {m.name} ({m.unit}; better {m.better_when}; {where})")
    return lines
