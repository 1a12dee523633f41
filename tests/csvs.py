"""Writers of tiny data.police.uk-format CSVs for the tests (rows written by hand in each test)."""

from __future__ import annotations

from pathlib import Path

STREET_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context\n"
)
OUTCOME_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n"
)
STOP_HEADER = (
    "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,"
    "Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,"
    "Outcome linked to object of search,Removal of more than just outer clothing\n"
)
DERBYSHIRE = "Derbyshire Constabulary"


def write(folder: Path, relative: str, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``folder/relative``, making folders; return the path."""
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


def street_row(
    crime_id: str,
    month: str,
    lsoa: str = "E01013523",
    name: str = "Derby 008B",
    crime_type: str = "Burglary",
    force: str = DERBYSHIRE,
    outcome: str = "",
) -> str:
    """One street-file line; an empty ``lsoa`` writes a record with no location."""
    place = f"-1.48,52.92,On or near Arthur Street,{lsoa},{name}" if lsoa else ",,No location,,"
    return f"{crime_id},{month},{force},{force},{place},{crime_type},{outcome},\n"


def outcome_row(crime_id: str, month: str, outcome: str, force: str = DERBYSHIRE) -> str:
    """One outcomes-file line."""
    return f"{crime_id},{month},{force},{force},-1.48,52.92,On or near Arthur Street,E01013523,Derby 008B,{outcome}\n"


def search_row(date: str, ethnicity: str, obj: str, outcome: str, linked: str) -> str:
    """One stop-and-search line (a person search under the Misuse of Drugs Act)."""
    return (
        f"Person search,{date}T10:00:00+00:00,False,,52.92,-1.48,Male,18-24,,{ethnicity},"
        f"Misuse of Drugs Act 1971 (section 23),{obj},{outcome},{linked},False\n"
    )


def street_month(folder: Path, month: str, counts: dict[str, int], force_slug: str = "derbyshire") -> Path:
    """A month's street file with ``counts`` records of each crime type (ASB without Crime IDs)."""
    rows = []
    for crime_type, n in counts.items():
        for i in range(n):
            crime_id = "" if crime_type == "Anti-social behaviour" else f"{month}-{crime_type[:3]}-{i}"
            rows.append(street_row(crime_id, month, crime_type=crime_type))
    return write(folder, f"{month}/{month}-{force_slug}-street.csv", STREET_HEADER + "".join(rows))
