"""One record of where a file's lines went (RowAccount), its balance written once, and the file
account that embeds it keeping the quality report's JSON form."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pack.data.accounts import FileAccount, RowAccount
from pack.data.readers import FileReport

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


def test_an_inputs_rows_are_its_files_accounts_summed_and_its_json_carries_them() -> None:
    from pack.data.report import InputQuality, InputReport

    report = InputReport("street", "Street")
    for name, account in (
        ("a.csv", RowAccount(lines=5, header=1, kept=3, rejected=1)),
        ("b.csv", RowAccount(lines=6, header=1, blank=1, kept=1, other_forces=2, repeated=1)),
    ):
        file_report = FileReport(name, lines=account.lines, header_lines=account.header, blank_lines=account.blank)
        file_report.rows_kept, file_report.rows_rejected = account.kept, account.rejected
        file_report.rows_other_forces, file_report.rows_repeated = account.other_forces, account.repeated
        report.add(file_report)
    info = report.freeze()
    assert info.account == report.account == RowAccount(11, 2, 1, 0, 4, 1, 2, 1)
    assert (info.rows_read, info.rows_kept, info.rows_rejected, info.rows_other_forces, info.rows_repeated) == (
        8, 4, 1, 2, 1,
    )  # fmt: skip
    form = info.to_dict()
    assert (form["rows_read"], form["rows_kept"], form["balanced"]) == (8, 4, True)
    form["rows_kept"] = 999  # a derived value in the JSON is never read back as a fact of its own
    assert InputQuality.from_dict(form) == info
