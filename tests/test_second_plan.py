"""A second real plan: Nottinghamshire's, built for Nottinghamshire Police on the national files, is
titled and headed as its own, reports its three priorities with counts that match an independent
count of its rows, and holds nothing of Derbyshire's plan (name, publisher, contact, target, claims,
consultation, priorities, districts); Derbyshire appears only as one force among others in national
comparisons, and a Derbyshire district only where the data place Nottinghamshire's records in it."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from pack.plan import load_plan

ROOT = Path(__file__).resolve().parent.parent
NOTTS = load_plan(ROOT / "plans" / "nottinghamshire-2021-25.toml")
MONTHS = ("2021-12", "2022-01", "2022-02")
DERBYSHIRE_DISTRICTS = (
    "Amber Valley",
    "Bolsover",
    "Chesterfield",
    "Derby",
    "Derbyshire Dales",
    "Erewash",
    "High Peak",
    "North East Derbyshire",
    "South Derbyshire",
)
# the force as one among others: a table row (national comparison, funnel tables) or the list of
# other forces' files counted for the comparison ("Derbyshire Constabulary (26,110 rows)")
FORCE_NAME = "Derbyshire Constabulary"
NEIGHBOURHOOD = ("Burglary", "Robbery", "Vehicle crime", "Theft from the person")  # Home Office definition


def derbyshire_plan_texts() -> list[str]:
    """What of Derbyshire's plan must not appear: its name, publisher, contact, target, priority titles
    and aims, its claims' quotes and its consultation's wording, read from its own files."""
    plan = load_plan()
    texts = [plan.name, plan.publisher, re.sub(r"^https?://(www\.)?", "", plan.contact), "target of 283"]
    texts += [p.title for p in plan.priorities] + [p.aim.rstrip(".") for p in plan.priorities]
    with (ROOT / "data" / "published" / "claims.csv").open(encoding="utf-8") as handle:
        texts += [row["quote"][:60] for row in csv.DictReader(handle)]
    with (ROOT / "data" / "published" / "consultation.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    texts += sorted({r["source"] for r in rows}) + ["Appendix B", "632 responses"]
    return texts


def pack_texts(folder: Path) -> dict[str, str]:
    """Every output file of a pack as text: HTML, CSV, JSON, executed notebooks, the PDF's text."""
    texts = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".html", ".csv", ".json", ".ipynb", ".txt", ".md"):
            texts[str(path.relative_to(folder))] = path.read_text(encoding="utf-8")
        elif path.suffix == ".pdf":
            pages = PdfReader(path).pages  # pypdf, pinned: no system tool the project does not install
            texts[str(path.relative_to(folder))] = "\n".join(
                unicodedata.normalize("NFKC", p.extract_text()) for p in pages
            )
    return texts


def without_force_rows(name: str, text: str) -> str:
    """``text`` with the allowed mentions of Derbyshire's force removed: CSV rows and HTML table rows
    naming it, and its place in the list of forces' files counted."""
    if name.endswith(".csv"):
        return "\n".join(line for line in text.splitlines() if FORCE_NAME not in line)
    text = re.sub(r"<tr\b(?:(?!</tr>).)*?" + FORCE_NAME + r".*?</tr>", "", text, flags=re.S)
    return re.sub(FORCE_NAME + r" \([\d,]+ rows\)", "", text)


def leaks(folder: Path, allowed_districts: set[str]) -> list[str]:
    """``file: what`` for every mention of Derbyshire's plan in the pack in ``folder``."""
    found = []
    plan_texts = derbyshire_plan_texts()
    for name, text in pack_texts(folder).items():
        found += [f"{name}: {t!r}" for t in plan_texts if t in text]
        rest = without_force_rows(name, text)
        for district in DERBYSHIRE_DISTRICTS:
            if district not in allowed_districts and re.search(rf"\b{district}\b(?!shire)", rest):
                found.append(f"{name}: district {district!r}")
        if re.search(r"\bDerbyshire\b", rest):
            at = re.search(r"\bDerbyshire\b", rest).start()
            found.append(f"{name}: 'Derbyshire' in {rest[max(0, at - 60) : at + 40]!r}")
    return found


def notts_rows(national: Path) -> list[dict]:
    """Nottinghamshire Police's rows of the national street files, read with the csv module."""
    rows = []
    for month in MONTHS:
        for path in sorted((national / "police-uk-national" / month).glob("*-street.csv")):
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows += [r for r in csv.DictReader(handle) if r["Falls within"] == "Nottinghamshire Police"]
    return rows


def indicators(pack: Path, stem: str) -> dict[str, dict]:
    with (pack / "tables" / f"{stem}-indicators.csv").open(encoding="utf-8") as handle:
        return {r["indicator_id"]: r for r in csv.DictReader(handle)}


@pytest.mark.long  # the second plan's pack, built on every force's national files
@pytest.mark.slow
def test_the_pack_and_panel_paper_are_nottinghamshires(nottinghamshire_pack):
    html = (nottinghamshire_pack / "evidence-pack.html").read_text(encoding="utf-8")
    assert f"Evidence pack: {NOTTS.name}" in html and NOTTS.publisher in html
    assert [p.title for p in NOTTS.priorities] == [
        "Preventing crime and protecting people from harm",
        "Responding efficiently and effectively to community needs",
        "Supporting victims, survivors, witnesses and communities",
    ]
    for p in NOTTS.priorities:
        assert f"Priority {p.number}: {p.title}" in html
    tables = sorted(p.name for p in (nottinghamshire_pack / "tables").glob("*-indicators.csv"))
    assert tables == [f"{p.stem}-indicators.csv" for p in NOTTS.priorities]
    paper = (nottinghamshire_pack / "panel-paper.html").read_text(encoding="utf-8")
    assert NOTTS.name in paper and all(p.title in paper for p in NOTTS.priorities)
    assert (nottinghamshire_pack / "panel-paper.pdf").stat().st_size > 10_000
    manifest = json.loads((nottinghamshire_pack / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["police_force"] == "Nottinghamshire Police"
    # what the plan leaves out is said to be not supplied, never filled from Derbyshire's files
    victims = indicators(nottinghamshire_pack, "03_supporting_victims")
    assert victims["victim_satisfaction_pct"]["status"] == "not supplied"
    assert "not supplied" in (nottinghamshire_pack / "notebooks" / "07_claims_check.html").read_text().lower()


@pytest.mark.long  # the second plan's pack, built on every force's national files
@pytest.mark.slow
def test_counts_match_an_independent_count_of_its_rows(nottinghamshire_pack, national_data):
    rows = notts_rows(national_data)
    by_type: dict[str, int] = {}
    for r in rows:
        by_type[r["Crime type"]] = by_type.get(r["Crime type"], 0) + 1
    crime = indicators(nottinghamshire_pack, "01_preventing_crime")
    expected = {
        "burglary": by_type["Burglary"],
        "robbery": by_type["Robbery"],
        "vehicle_crime": by_type["Vehicle crime"],
        "asb_incidents": by_type["Anti-social behaviour"],
        "drugs": by_type["Drugs"],
        "possession_of_weapons": by_type["Possession of weapons"],
        "neighbourhood_crime": sum(
            by_type[t] for t in ("Burglary", "Robbery", "Vehicle crime", "Theft from the person")
        ),
    }
    assert {k: float(crime[k]["current_value"]) for k in expected} == {k: float(v) for k, v in expected.items()}
    assert list(crime) == list(NOTTS.priority(1).measures)  # the plan's measures, in its order
    victims = indicators(nottinghamshire_pack, "03_supporting_victims")
    assert float(victims["violence_sexual_offences"]["current_value"]) == by_type["Violence and sexual offences"]
    html = (nottinghamshire_pack / "evidence-pack.html").read_text(encoding="utf-8")
    assert f"{len(rows):,}" in html  # every record of the force in the window, in the data-quality appendix


@pytest.mark.long  # the second plan's pack, built on every force's national files
@pytest.mark.slow
def test_nothing_of_derbyshires_plan_is_in_nottinghamshires_pack(nottinghamshire_pack, national_data):
    # a Derbyshire district may be named only where the data put Nottinghamshire Police's records in it
    # (data.police.uk snaps locations near the force boundary to LSOAs of neighbouring districts)
    placed = {re.sub(r" \d{3}[A-Z]$", "", r["LSOA name"]) for r in notts_rows(national_data)}
    assert leaks(nottinghamshire_pack, placed) == []


@pytest.mark.long  # the check that the leak search above can fail: it runs where that search runs
@pytest.mark.slow
def test_the_leak_search_finds_derbyshires_plan_in_derbyshires_pack(demo_pack):
    """The search above is not blind: Derbyshire's own pack is full of what it looks for."""
    found = leaks(demo_pack, set())
    for what in (load_plan().name, load_plan().publisher, "district 'Amber Valley'", "'Derbyshire' in"):
        assert any(what in f for f in found), what
