"""Another force's street file is counted from three columns (pack.data.national) only when that
gives what reading it row by row would: the counts, the account of every line and the file's hash are
the same either way, and a file the short way cannot vouch for is read the full way."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from pack.data.stage import prepare
from pack.store.hashing import sha256_file

FORCE = "Derbyshire Constabulary"
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context\n"
)


def street_row(force: str, month: str, crime_type: str, k: int) -> str:
    return (
        f"{k:064x},{month},{force},{force},-1.48,52.92,On or near Arthur Street,E01013{k % 100:03d},"
        f"Derby 0{k % 10:02d}A,{crime_type},Investigation complete; no suspect identified,\n"
    )


def write(path: Path, rows: list[str], encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "".join(rows), encoding=encoding)


def folder(tmp_path: Path) -> Path:
    """Derbyshire's own month (3 burglaries) and three files of other forces for 2022-01:
    Leicestershire clean (2 burglaries, 1 ASB: counted the short way), Nottinghamshire with a crime type
    written in lower case (read the full way: the variant is read as "Burglary"), and Lincolnshire
    with a quoted location that runs over a line break (read the full way)."""
    data = tmp_path / "data" / "2022-01"
    write(data / "2022-01-derbyshire-street.csv", [street_row(FORCE, "2022-01", "Burglary", k) for k in range(3)])
    leics = "Leicestershire Police"
    write(
        data / "2022-01-leicestershire-street.csv",
        [street_row(leics, "2022-01", "Burglary", 10), street_row(leics, "2022-01", "Burglary", 11)]
        + [street_row(leics, "2022-01", "Anti-social behaviour", 12)],
    )
    notts = "Nottinghamshire Police"
    write(
        data / "2022-01-nottinghamshire-street.csv",
        [street_row(notts, "2022-01", "burglary", 20), street_row(notts, "2022-01", "Burglary", 21)],
    )
    lincs = "Lincolnshire Police"
    quoted = street_row(lincs, "2022-01", "Burglary", 30).replace("On or near Arthur Street", '"On or near\nArthur St"')
    write(data / "2022-01-lincolnshire-street.csv", [quoted, street_row(lincs, "2022-01", "Vehicle crime", 31)])
    return tmp_path / "data"


def test_other_forces_counted_as_a_row_by_row_reading_would(tmp_path: Path) -> None:
    prepared = prepare(folder(tmp_path), FORCE)
    counts = pd.read_parquet(prepared.path / "force_monthly.parquet")
    got = counts.groupby(["falls_within", "crime_type"])["n"].sum().to_dict()
    # by hand: Derbyshire 3 burglaries; Leicestershire 2 + 1; Nottinghamshire 2 (the variant read as Burglary);
    # Lincolnshire 1 burglary (the quoted location over two lines is one record) + 1 vehicle crime
    assert got == {
        (FORCE, "Burglary"): 3,
        ("Leicestershire Police", "Anti-social behaviour"): 1,
        ("Leicestershire Police", "Burglary"): 2,
        ("Nottinghamshire Police", "Burglary"): 2,
        ("Lincolnshire Police", "Burglary"): 1,
        ("Lincolnshire Police", "Vehicle crime"): 1,
    }
    street = prepared.quality.input("street")
    accounts = {a.file.rsplit("/", 1)[-1]: a for a in street.file_accounts}
    assert all(a.balanced for a in accounts.values())
    # the clean file: 1 header + 3 records, all of another force
    leics = accounts["2022-01-leicestershire-street.csv"]
    assert (
        leics.account.lines,
        leics.account.header,
        leics.account.other_forces,
        leics.account.kept,
        leics.account.rejected,
    ) == (4, 1, 3, 0, 0)
    # the file with a quoted line break: 1 header + 2 records + 1 continuation line
    lincs = accounts["2022-01-lincolnshire-street.csv"]
    assert (lincs.account.lines, lincs.account.continuation, lincs.account.other_forces) == (4, 1, 2)
    assert pq.read_table(prepared.path / "street.parquet").num_rows == 3  # only Derbyshire's rows kept
    # the variant was seen (the full way reports it); the clean file adds no note
    assert any("burglary" in note for note in street.notes), street.notes


def test_every_file_is_hashed_once_whichever_way_it_is_read(tmp_path: Path) -> None:
    data = folder(tmp_path)
    prepared = prepare(data, FORCE)
    listed = {f.path: f.sha256 for f in prepared.quality.files}
    for path in sorted(data.rglob("*.csv")):
        assert listed[str(path.relative_to(data))] == sha256_file(path), path.name


def test_a_file_the_short_way_cannot_read_is_read_the_full_way(tmp_path: Path) -> None:
    """A Windows-1252 file of another force (a pound sign in a location) is counted all the same."""
    data = folder(tmp_path)
    cp = data / "2022-01" / "2022-01-leicestershire-street.csv"
    text = cp.read_text(encoding="utf-8").replace("On or near Arthur Street", "On or near £1 Shop")
    cp.write_bytes(text.encode("cp1252"))
    counts = pd.read_parquet(prepare(data, FORCE).path / "force_monthly.parquet")
    leics = counts[counts["falls_within"] == "Leicestershire Police"].groupby("crime_type")["n"].sum().to_dict()
    assert leics == {"Anti-social behaviour": 1, "Burglary": 2}
    shutil.rmtree(tmp_path / "data")
