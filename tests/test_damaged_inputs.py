"""Damaged copies of the real Derbyshire files, and random damage to a file: every row accounted for.

Each test damages a copy of real files the way analysts' files get damaged (a stray quote, a
browser's ``(1)`` copy, a block pasted twice, crime types retyped, outcome IDs upper-cased, a file
renamed to the wrong month) and checks the pack either recovers every record (counts equal the
clean files') or names the file and row and does not treat the month as covered: never a short
total. The property tests damage random rows of a small file in those ways and check that every
line is accounted for and that no month's total changes in silence.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from csvs import STREET_HEADER, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

from pack.data import Dataset, prepare
from pack.data.policeuk_file import read_police_uk_file
from pack.errors import DataError

MARCH = "police-uk/derbyshire/2022-03/2022-03-derbyshire-street.csv"

# The tests on damaged copies of the real files prepare the whole real folder (21 months of
# Derbyshire's files and the ONS lookups): slow, in make test. test-fast keeps the random damage
# below: the same kinds of damage (a stray quote, a row repeated, a block pasted again, a type
# retyped) to a small file.
REAL_FOLDER = pytest.mark.slow


def copy_of(real_data: Path, target: Path) -> Path:
    """A copy of the real data folder (files hard-linked: damage them only with :func:`damage`)."""
    return shutil.copytree(real_data, target, copy_function=os.link)


def damage(folder: Path, relative: str, change) -> Path:
    """Replace ``folder/relative`` (a hard link to the shared file) by a new file with its lines changed."""
    path = folder / relative
    lines = path.read_bytes().split(b"\n")
    path.unlink()  # never write through the link into the shared data
    path.write_bytes(b"\n".join(change(lines)))
    return path


def counts(folder: Path) -> pd.Series:
    """Street records by month and crime type, from the prepared monthly table."""
    prepared = prepare(folder)
    monthly = pd.read_parquet(prepared.path / "street_monthly.parquet")
    return monthly.groupby(["month", "crime_type"])["n"].sum()


@pytest.fixture(scope="module")
def clean(real_data: Path) -> pd.Series:
    return counts(real_data)


@REAL_FOLDER
def test_a_stray_quote_loses_no_record(real_data: Path, tmp_path: Path, clean: pd.Series) -> None:
    data = copy_of(real_data, tmp_path / "data")

    def open_a_quote(lines: list[bytes]) -> list[bytes]:  # row 500's "On or near ..." never closed
        lines[499] = lines[499].replace(b",On or near ", b',"On or near ', 1)
        return lines

    damage(data, MARCH, open_a_quote)
    info = prepare(data).quality.input("street")
    pd.testing.assert_series_equal(counts(data), clean)  # every record recovered: counts equal the clean files'
    assert "2022-03" in info.months and not info.incomplete_months
    [note] = [n for n in info.notes if "is never closed" in n]
    assert note.startswith(f"{MARCH}: row 500: a quote opening field 7 ('\"On or near ")
    assert "would have run 9,100 line(s) into one field: a closing quote supplied" in note  # 9,598 rows, from row 500
    assert all(a.balanced for a in info.file_accounts)


@REAL_FOLDER
def test_a_stray_quote_on_a_broken_line_names_the_row_and_the_month_is_not_covered(
    real_data: Path, tmp_path: Path, clean: pd.Series
) -> None:
    data = copy_of(real_data, tmp_path / "data")

    def open_a_quote_and_cut(lines: list[bytes]) -> list[bytes]:  # the quote opens a line cut short
        lines[499] = lines[499].replace(b",On or near ", b',"On or near ', 1).split(b",E01")[0]
        return lines

    damage(data, MARCH, open_a_quote_and_cut)
    quality = prepare(data).quality
    info = quality.input("street")
    assert "2022-03" not in info.months and "2022-03" in info.missing_months  # never a short total
    assert "row 500" in info.incomplete_months["2022-03"]
    assert info.rows_rejected == 1 and info.rows_kept == int(clean.sum()) - 1  # the other 9,597 rows of March read
    got = counts(data)
    pd.testing.assert_series_equal(got.drop("2022-03", level="month"), clean.drop("2022-03", level="month"))


@REAL_FOLDER
def test_a_browser_copy_of_a_month_counts_once_with_one_note(real_data: Path, tmp_path: Path, clean) -> None:
    data = copy_of(real_data, tmp_path / "data")
    shutil.copyfile(data / MARCH, data / MARCH.replace(".csv", " (1).csv"))
    info = prepare(data).quality.input("street")
    pd.testing.assert_series_equal(counts(data), clean)
    assert [n for n in info.notes if "read once" in n] == [
        f"{MARCH.replace('.csv', ' (1).csv')}: the same content as {MARCH}: read once"
    ]


@REAL_FOLDER
def test_500_rows_pasted_again_are_not_counted_twice(real_data: Path, tmp_path: Path, clean: pd.Series) -> None:
    data = copy_of(real_data, tmp_path / "data")
    damage(data, MARCH, lambda lines: lines[:-1] + lines[1001:1501] + [b""])  # rows 1,002-1,501 appended
    info = prepare(data).quality.input("street")
    pd.testing.assert_series_equal(counts(data), clean)
    assert info.rows_repeated == 500
    assert f"{MARCH}: rows 9,600-10,099 repeat rows 1,002-1,501 exactly, in order (500 rows" in " ".join(info.notes)


@REAL_FOLDER
def test_crime_type_variants_are_read_and_unknown_types_reported(real_data: Path, tmp_path, clean: pd.Series) -> None:
    data = copy_of(real_data, tmp_path / "data")
    burglary = [i for i, line in enumerate((data / MARCH).read_bytes().split(b"\n")) if b",Burglary," in line]

    def retype(lines: list[bytes]) -> list[bytes]:  # 20 lower-cased, 10 with a trailing space, 7 renamed
        for k, i in enumerate(burglary[:37]):
            new = b",burglary," if k < 20 else b",Burglary ," if k < 30 else b",Residential burglary,"
            lines[i] = lines[i].replace(b",Burglary,", new)
        return lines

    damage(data, MARCH, retype)
    quality = prepare(data).quality
    got = counts(data)
    assert got[("2022-03", "Burglary")] == clean[("2022-03", "Burglary")] - 7  # variants read as Burglary
    assert got[("2022-03", "Residential burglary")] == 7  # kept, counted in all crime ...
    assert got.sum() == clean.sum()
    info = quality.input("street")
    assert info.variant_values == {
        "Crime type: 'Burglary ' read as 'Burglary'": 10,
        "Crime type: 'burglary' read as 'Burglary'": 20,
    }
    assert info.unknown_values == {"Crime type: 'Residential burglary'": 7}  # ... and never silently absent
    warning = next(c for c in quality.checks if c.check.startswith("Values not in data.police.uk's lists"))
    assert warning.severity == "warning" and "Crime type 'Residential burglary': 7 row(s)" in warning.detail


@REAL_FOLDER
def test_outcomes_whose_ids_match_no_crime_are_unusable_not_zero(real_data: Path, tmp_path: Path) -> None:
    data = copy_of(real_data, tmp_path / "data")
    for path in sorted(data.glob("police-uk/derbyshire/*/*-outcomes.csv")):
        relative = path.relative_to(data).as_posix()
        damage(data, relative, lambda lines: [lines[0]] + [line[:64].upper() + line[64:] for line in lines[1:]])
    dataset = Dataset(prepare(data))
    reason = dataset.unusable("outcomes")
    assert reason is not None and reason.startswith(
        "the outcome files' Crime IDs do not match the street files' crimes"
    )
    assert "outcome rows of 2021-04 matching a crime: 0.0%" in reason
    assert dataset.months("outcomes") == []  # so every outcome figure says "not supplied", with the reason
    assert dataset.unusable("street") is None and dataset.months("street")
    join = dataset.quality.outcome_join
    assert join is not None and join.unusable == reason and all(m.matched == 0 for m in join.outcome_rows)
    check = next(c for c in dataset.quality.checks if c.check == "Outcomes matched to crimes by Crime ID")
    assert check.severity == "error"


@REAL_FOLDER
def test_the_real_outcomes_match_their_crimes_month_by_month(real_data: Path) -> None:
    quality = prepare(real_data).quality
    join = quality.outcome_join
    assert join is not None and join.unusable is None and quality.unusable("outcomes") is None
    shares = {m.month: round(m.share * 100, 1) for m in join.outcome_rows if m.judged}
    # counted independently (pandas isin of each month's outcome IDs in all street IDs):
    # 2021-04: 5,100 of 6,587 outcome rows match a street crime = 77.4%; 2022-03: 7,092 of 7,184 = 98.7%
    assert shares["2021-04"] == 77.4 and shares["2022-03"] == 98.7
    assert "2021-03" not in shares  # the street files start then: outcomes of earlier crimes cannot match
    crimes = {m.month: round(m.share * 100, 1) for m in join.crimes if m.judged}
    assert crimes["2021-03"] == 95.6 and max(crimes) == "2022-01"  # outcome files end 2022-03


@REAL_FOLDER
def test_a_file_renamed_to_the_wrong_month_is_named(real_data: Path, tmp_path: Path) -> None:
    data = copy_of(real_data, tmp_path / "data")
    may = data / "police-uk/derbyshire/2022-05/2022-05-derbyshire-street.csv"
    may.unlink()
    (data / "police-uk/derbyshire/2022-04/2022-04-derbyshire-street.csv").rename(may)
    with pytest.raises(DataError) as err:
        prepare(data)
    assert (
        "file police-uk/derbyshire/2022-05/2022-05-derbyshire-street.csv: its name says 2022-05 but 9,409 of its "
        "9,409 rows are of 2022-04: a file renamed to the wrong month?"
    ) in str(err.value)


@REAL_FOLDER
def test_a_zipped_download_reads_as_the_files_it_holds(real_data: Path, tmp_path: Path, clean: pd.Series) -> None:
    import zipfile

    data = copy_of(real_data, tmp_path / "data")
    months = sorted((data / "police-uk/derbyshire").iterdir())
    with zipfile.ZipFile(data / "download.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for month in months[:6]:
            for path in month.iterdir():
                archive.write(path, f"{month.name}/{path.name}")
                path.unlink()
    pd.testing.assert_series_equal(counts(data), clean)
    files = prepare(data).quality.input("street").files
    assert "download.zip/2021-03/2021-03-derbyshire-street.csv" in files and len(files) == 21


# ----------------------------------------------------------------------------------------------
# Random damage: every line accounted for; no month's total changes in silence

FORCE = "Derbyshire Constabulary"
TYPES = ("Burglary", "Robbery", "Vehicle crime", "Anti-social behaviour", "Drugs")


def clean_rows(month: str, n: int = 60) -> list[str]:
    rows = []
    for i in range(n):
        kind = TYPES[i % len(TYPES)]
        crime_id = "" if kind == "Anti-social behaviour" else f"{month}-{i:04d}"
        rows.append(
            f"{crime_id},{month},{FORCE},{FORCE},-1.{i:03d},52.9{i % 10},On or near Street {i},E010135{i % 90:02d},"
            f"Derby 0{i % 40:02d}B,{kind},Under investigation,\n"
        )
    return rows


DAMAGE = st.sampled_from(["quote", "blank", "duplicate", "truncate", "comma", "case", "block"])


def damaged(rows: list[str], damages: list[tuple[str, int]]) -> tuple[list[str], Counter[str], bool]:
    """Rows with ``damages`` applied; the rows added on purpose (by crime type, kept as records) and
    whether a record was made unreadable."""
    rows = list(rows)
    added: Counter[str] = Counter()
    lost = False
    for kind, at in sorted(damages, key=lambda d: d[0] == "block"):  # a block pasted last, as analysts do
        i = at % len(rows)
        line = rows[i]
        if kind == "quote" and ",On or near " in line:
            rows[i] = line.replace(",On or near ", ',"On or near ', 1)
        elif kind == "blank":
            rows.insert(i, "\n")
        elif kind == "duplicate" and line.strip():
            rows.insert(i + 1, line)
            fields = line.split(",")
            if len(fields) == 12:  # a record (as data.police.uk may repeat): counted, as its type
                added[next(t for t in TYPES if t.casefold() == fields[9].strip().casefold())] += 1
            else:  # a broken line copied: another lost record
                lost = True
        elif kind == "truncate" and line.strip():
            rows[i] = line[: len(line) // 3] + "\n"
            lost = True
        elif kind == "comma" and ",On or near " in line:
            rows[i] = line.replace("On or near Street", "On or near, Street", 1)
            lost = True
        elif kind == "case" and line.count(",") == 11:
            fields = line.split(",")
            fields[9] = f" {fields[9].lower()} "
            rows[i] = ",".join(fields)
        elif kind == "block":
            rows.extend(rows[:55])  # a block pasted again: not counted
    return rows, added, lost


def kept_by_type(part: Path) -> Counter[str]:
    if not part.exists():
        return Counter()
    return Counter(pd.read_parquet(part, columns=["crime_type"])["crime_type"])


@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damages=st.lists(st.tuples(DAMAGE, st.integers(0, 10_000)), min_size=1, max_size=4))
def test_random_damage_is_accounted_for_and_never_silent(tmp_path: Path, damages) -> None:
    rows, added, lost = damaged(clean_rows("2024-01"), damages)
    path = write(
        tmp_path,
        f"{len(damages)}-{abs(hash(tuple(damages)))}/2024-01/2024-01-derbyshire-street.csv",
        STREET_HEADER + "".join(rows),
    )
    part = path.parent / "part.parquet"
    result = read_police_uk_file("street", path, None, path.name, FORCE, part)
    assert result.error is None, result.error
    report = result.report
    # rows read = kept + rejected (+ repeated), and lines = header + blank + continuation + rows
    assert report.balanced(), report
    assert report.lines == len(STREET_HEADER.splitlines()) + len("".join(rows).splitlines())
    expected = Counter(line.split(",")[9] for line in clean_rows("2024-01")) + added
    if result.lost_rows:  # a record was lost: named with its row, and its month is not covered
        assert report.rejections and report.rejections[0].row is not None
    else:  # every record read: the counts are the clean file's (plus rows duplicated on purpose, reported)
        assert not lost or report.mends, damages
        assert kept_by_type(part) == expected, damages
        assert report.duplicate_rows >= sum(added.values())


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    damages=st.lists(st.tuples(DAMAGE, st.integers(0, 10_000)), min_size=1, max_size=3),
    month=st.sampled_from(["2024-01", "2024-02", "2024-03"]),
)
def test_no_window_total_changes_silently(tmp_path: Path, damages, month: str) -> None:
    folder = tmp_path / f"{month}-{abs(hash(tuple(damages)))}"
    clean_months = {m: clean_rows(m) for m in ("2024-01", "2024-02", "2024-03")}
    rows, added, _ = damaged(clean_months[month], damages)
    for m, lines in clean_months.items():
        write(folder, f"{m}/{m}-derbyshire-street.csv", STREET_HEADER + "".join(rows if m == month else lines))
    prepared = prepare(folder)
    info = prepared.quality.input("street")
    monthly = pd.read_parquet(prepared.path / "street_monthly.parquet").groupby(["month", "crime_type"])["n"].sum()
    for m, lines in clean_months.items():
        expected = Counter(line.split(",")[9] for line in lines) + (added if m == month else Counter())
        got = Counter({t: int(n) for (mm, t), n in monthly.items() if mm == m})
        if m in info.months:  # a covered month has its whole total
            assert got == expected, (m, damages)
        else:  # otherwise it is named, with the file and row that lost a record
            assert m == month and m in info.incomplete_months, (m, damages)
    assert info.balanced
