"""One record of where a file's lines went (RowAccount), its balance written once, and the file
account that embeds it keeping the quality report's JSON form."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pack.data.accounts import RowAccount
from pack.data.readers import FileReport
from pack.data.report import FileAccount

counts = st.integers(0, 10_000)


@st.composite
def balanced_accounts(draw: st.DrawFn) -> RowAccount:
    parts = {name: draw(counts) for name in ("header", "blank", "continuation", "kept", "rejected", "repeated")}
    parts["other_forces"] = draw(counts)
    return RowAccount(lines=sum(parts.values()), **parts)


@given(balanced_accounts(), balanced_accounts(), st.integers(1, 5))
def test_accounts_add_up_and_stay_balanced_and_one_line_off_never_balances(a, b, off) -> None:
    total = a + b
    assert total.rows == a.rows + b.rows and total.lines == a.lines + b.lines
    assert total.balanced
    assert not RowAccount(**{**vars(total), "lines": total.lines + off}).balanced


def test_a_file_reports_account_is_the_one_its_balance_is_read_from() -> None:
    report = FileReport("2024-01-derbyshire-street.csv", lines=12, header_lines=1, blank_lines=1, rows_read=10)
    report.rows_kept, report.rows_rejected = 9, 1
    assert report.account() == RowAccount(lines=12, header=1, blank=1, kept=9, rejected=1)
    assert report.balanced()
    report.rows_read = 11  # a record read but counted nowhere
    assert not report.balanced()


def test_a_file_accounts_json_form_is_flat_in_the_reports_order() -> None:
    account = FileAccount("a.csv", RowAccount(lines=5, header=1, kept=3, repeated=1), mended=2, duplicates=1)
    form = account.to_dict()
    assert list(form) == [
        "file", "lines", "header", "blank", "continuation", "kept", "rejected", "other_forces", "repeated",
        "mended", "duplicates", "shared_id_rows", "rows", "balanced",
    ]  # fmt: skip
    assert (form["rows"], form["balanced"]) == (4, True)
    assert FileAccount.from_dict(form) == account
    assert account.describe() == "5 lines = 1 header + 3 kept + 1 repeated (not counted)"
