"""A public pack shows no suppressed count anywhere a reader or a screen reader can reach, and none
can be worked back from what its tables show (totals, percentages, rates)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import SMALL_GROUPS_THRESHOLD as N

from pack.disclosure_check import public_pack_leaks, reachable_texts, small_cells, suppressed_between


def write_pack(folder: Path, table: pd.DataFrame, alt: str) -> Path:
    (folder / "tables").mkdir(parents=True)
    table.to_csv(folder / "tables" / "02-districts.csv", index=False)
    (folder / "evidence-pack.html").write_text(
        f'<html><body><figure><img src="x.png" alt="{alt}"><figcaption>Districts</figcaption></figure>'
        f'<p aria-label="{alt}">Chart</p></body></html>',
        encoding="utf-8",
    )
    return folder


def test_the_check_finds_a_suppressed_count_in_chart_text(tmp_path: Path) -> None:
    """The known leak: the table blanks Erewash's 3, the chart's alt text says it."""
    districts = pd.DataFrame({"district": ["Derby", "Erewash", "Other theft"], "records": [120, 3, 3]})
    full = write_pack(tmp_path / "full", districts, "")
    public = write_pack(
        tmp_path / "public",
        districts.assign(records=[120, None, 3]),
        "Bar chart of burglary by district. The largest is Derby (120); the smallest is Erewash (3). Other theft 3.",
    )
    cells = suppressed_between(full, public)
    assert [(c.label, c.column, c.value) for c in cells] == [("Erewash", "records", 3.0)]
    leaks = public_pack_leaks(public, full, 5)
    assert sorted(leak.where for leak in leaks) == ["evidence-pack.html [img alt]", "evidence-pack.html [p aria-label]"]
    clean = write_pack(tmp_path / "clean", districts.assign(records=[120, None, None]), "The smallest is Derby (120).")
    assert public_pack_leaks(clean, full, 5) == []


def pinned_blanks(true: list[float], shown: list[bool]) -> list[int]:
    """The blanked small counts a reader pins from the column's total and its shown cells (each
    blank from 1 up to the smallest shown non-zero count, as the published rule says)."""
    blanks = [i for i, s in enumerate(shown) if not s]
    rest = sum(true) - sum(v for v, s in zip(true, shown, strict=True) if s)
    visible = [v for v, s in zip(true, shown, strict=True) if s and v > 0]
    if not blanks or not visible:
        return []  # nothing blanked, or everything: the total alone would say it, not this table
    upper, k = min(visible), len(blanks)
    low, high = max(1, rest - (k - 1) * upper), min(upper, rest - (k - 1))
    return [i for i in blanks if true[i] < N and low == high]


@pytest.mark.long  # two default-plan packs of its own (make test checks a public pack in test_reliability)
@pytest.mark.slow
def test_no_suppressed_count_can_be_read_anywhere(small_groups_packs: tuple[Path, Path]) -> None:
    """Every text of the public pack (HTML text, alt, aria-label, title, data attributes; executed
    notebooks' outputs; CSV tables) is searched for each count the tables blanked, beside its label."""
    public, full = small_groups_packs
    cells = small_cells(suppressed_between(full, public), N)
    hidden = {(c.table.split("-", 1)[1], c.label, c.value) for c in cells}
    assert ("stop-search-by-gender.csv", "Other", 3) in hidden  # the small groups added were suppressed
    assert ("stop-search-legislation-chart.csv", "Firearms Act 1968 (section 47)", 2) in hidden  # in the chart too
    texts = reachable_texts(public)
    assert any("Bar chart of stop searches by gender" in t.text for t in texts if "[img alt]" in t.where)
    assert public_pack_leaks(public, full, N) == []


@pytest.mark.long  # two default-plan packs of its own (make test checks a public pack in test_reliability)
@pytest.mark.slow
def test_no_suppressed_count_can_be_worked_back_in_any_table(small_groups_packs: tuple[Path, Path]) -> None:
    """Totals minus shown cells, percentages times their bases, rates times populations."""
    public, full = small_groups_packs
    checked = 0
    for path in sorted((public / "tables").glob("*.csv")):
        if not (full / "tables" / path.name).is_file():
            continue
        shown, true = pd.read_csv(path), pd.read_csv(full / "tables" / path.name)
        if len(shown) != len(true):
            continue  # a map's squares: small ones left out, not blanked
        for column in true.columns:
            counts = pd.to_numeric(true[column], errors="coerce")
            blank = shown[column].isna() & counts.notna()
            if blank.any() and (counts.dropna() % 1 == 0).all() and not column.endswith("_pct"):
                checked += 1
                assert pinned_blanks(counts.tolist(), (~blank).tolist()) == [], (path.name, column)
    assert checked >= 4
    ethnicity = pd.read_csv(public / "tables" / "01_strong_local_policing-stop-search-by-officer-defined-ethnicity.csv")
    for table in (ethnicity, pd.read_csv(public / "tables" / "01_strong_local_policing-stop-search-by-gender.csv")):
        for share in ("arrest_pct", "linked_outcome_pct"):
            implied = (table[share] * table["searches"] / 100).round().dropna()
            assert not ((implied > 0) & (implied < N)).any(), (share, implied.tolist())
    other = ethnicity.set_index("officer_defined_ethnicity").loc["Other"]
    assert other["searches"] == 47 and pd.isna(other["arrest_pct"])  # 12.8% of 47 was 6 arrests (this demo)
    for name in ("stop-search-disparity-officer-defined", "asb-incidents-district-rates"):
        path = next((public / "tables").glob(f"*-{name}.csv"))
        table = pd.read_csv(path)
        rate = next(c for c in table.columns if c.startswith("per_1000") or c == "rate_per_1000")
        count = next((c for c in ("searches", "records") if c in table), None)
        if count is not None:
            assert not (table[count].isna() & table[rate].notna()).any(), path.name


@pytest.mark.long  # two default-plan packs of its own (make test checks a public pack in test_reliability)
@pytest.mark.slow
def test_secondary_suppression_shows_in_the_public_pack(small_groups_packs: tuple[Path, Path]) -> None:
    """The 3 searches of people of Other gender are blanked, and so is the next-smallest group's
    count (Female), else the total of searches gives the 3 back; their shares and rates too."""
    public, full = small_groups_packs
    name = "01_strong_local_policing-stop-search-by-gender.csv"
    shown = pd.read_csv(public / "tables" / name).set_index("gender")
    true = pd.read_csv(full / "tables" / name).set_index("gender")
    assert true.loc["Other", "searches"] == 3 and true.loc["Female", "searches"] >= N
    assert shown["searches"].isna().to_dict() == {"Male": False, "Female": True, "Other": True}
    assert shown.loc[["Female", "Other"]].drop(columns="searches").isna().all().all()


def test_every_reachable_text_is_read(tmp_path: Path) -> None:
    """Notebook outputs (HTML and plain text), data attributes, titles and table rows of a new
    document are all read, so a count in any of them is found."""
    import nbformat

    districts = pd.DataFrame({"district": ["Derby", "Erewash"], "records": [120, 3]})
    full = write_pack(tmp_path / "full", districts, "")
    public = write_pack(tmp_path / "public", districts.assign(records=[120, None]), "Districts")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("display_data", {"text/html": "<table><tr><td>Erewash</td><td>3</td></tr></table>"}),
        nbformat.v4.new_output("stream", name="stdout", text="Erewash: 3 burglaries\n"),
    ]
    nb.cells = [cell]
    (public / "notebooks").mkdir()
    nbformat.write(nb, public / "notebooks" / "02.ipynb")
    (public / "panel-paper.html").write_text(
        '<svg data-values="Erewash 3" role="img"><title>Erewash, 3 burglaries</title></svg>', encoding="utf-8"
    )
    found = sorted(leak.where for leak in public_pack_leaks(public, full, 5))
    assert found == [
        "notebooks/02.ipynb cell 0",
        "notebooks/02.ipynb cell 0 [text]",
        "panel-paper.html [svg data-values]",
        "panel-paper.html [text]",
    ]
