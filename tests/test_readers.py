"""Reading CSV text in runs of whole lines (pack.data.lines.line_runs) on tiny files with known cuts,
quotes read as Arrow reads them and stray quotes mended."""

from pathlib import Path

from pack.data.lines import count_byte, is_ascii, line_runs
from pack.data.quotes import fields_alone


def runs(path: Path, block_size: int, fields: int = 2) -> tuple[list[bytes], bytes]:
    seen: list[bytes] = []
    pieces = [bytes(r.text) for r in line_runs(path, fields, block_size, on_bytes=lambda b: seen.append(bytes(b)))]
    return pieces, b"".join(seen)


def layouts(text: bytes, fields: int = 3, block_size: int = 1 << 20) -> list:
    """(text, first line, record lines, blank, continuation, mends) of each run of ``text`` after a header."""
    path = Path(__import__("tempfile").mkdtemp()) / "x.csv"
    path.write_bytes(b"a,b,c\n" + text)
    out = []
    for run in line_runs(path, fields, block_size):
        layout = run.layout()
        out.append(
            (
                bytes(run.text),
                run.first_line,
                layout.record_lines.tolist(),
                layout.blank,
                layout.continuation,
                run.mends,
            )
        )
    return out


def test_runs_are_whole_lines_and_every_byte_is_seen_once(tmp_path: Path) -> None:
    text = b"a,b\n" + b"".join(f"{i},{i * i}\n".encode() for i in range(50))
    path = tmp_path / "x.csv"
    path.write_bytes(text)
    pieces, seen = runs(path, 16)
    assert seen == text  # header, then each run: the whole file once, in order
    assert b"".join(pieces) == text[4:]
    assert all(p.endswith(b"\n") for p in pieces) and max(map(len, pieces)) <= 16


def test_a_quoted_line_break_is_never_a_cut(tmp_path: Path) -> None:
    # the first block of 10 bytes ends inside row 3's quotes; its last newline is a line break
    # within the quoted field, so the cut goes back to the end of row 2
    text = b"h,i\n" + b"1,a\n" + b'2,"x\ny"\n' + b"3,z\n"
    path = tmp_path / "q.csv"
    path.write_bytes(text)
    pieces, seen = runs(path, 10)
    assert pieces[0] == b"1,a\n"
    assert b"".join(pieces) == text[4:] and seen == text
    assert all(p.count(b'"') % 2 == 0 for p in pieces)


def test_a_record_longer_than_a_block_is_read_whole(tmp_path: Path) -> None:
    text = b"h\n" + b"x" * 40 + b"\nend"  # no newline at the very end either
    path = tmp_path / "long.csv"
    path.write_bytes(text)
    pieces, seen = runs(path, 8, fields=1)  # 8 bytes hold no whole line: the block doubles until one fits
    assert pieces == [b"x" * 40 + b"\nend"]
    assert seen == text


def test_an_unclosed_quote_at_the_end_still_ends(tmp_path: Path) -> None:
    text = b"h,i\n" + b"1,a\n" * 5 + b'2,"never closed\n3,b\n'
    path = tmp_path / "open.csv"
    path.write_bytes(text)
    pieces, seen = runs(path, 16)
    assert seen == text  # every byte read once ...
    assert b"".join(pieces) == text[4:].replace(b'"never closed', b'"never closed"')  # ... and the quote mended


def test_header_only_and_byte_helpers(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes(b"a,b\n")
    assert runs(path, 8) == ([], b"a,b\n")
    assert count_byte(memoryview(b'a"b"\n'), b'"') == 2
    assert is_ascii(b"plain") and not is_ascii("café".encode()) and is_ascii(b"")


def test_fields_are_counted_as_arrow_reads_quotes() -> None:
    assert fields_alone(b'a,"b,c",d') == (3, True)  # a quoted comma is text
    assert fields_alone(b'a,b"c,d') == (3, True)  # a quote inside a field is text
    assert fields_alone(b'a,"b""c",d') == (3, True)  # "" inside quotes is a quote
    assert fields_alone(b'a,"b,c') == (2, False)  # never closed


def test_a_stray_quote_that_swallows_records_is_mended_and_every_line_read() -> None:
    # line 2's quote is never closed: lines 3 and 4 are records of their own (3 fields each), so the
    # quote is stray; a closing quote after "x" gives line 2 its 3 fields
    [(text, first, records, blank, continuing, mends)] = layouts(b'1,"x,y\n2,a,b\n3,c,d\n')
    assert text == b'1,"x",y\n2,a,b\n3,c,d\n'
    assert (first, records, blank, continuing) == (2, [2, 3, 4], 0, 0)
    [mend] = mends
    assert (mend.line, mend.field, mend.text, mend.swallowed, mend.closed) == (2, 1, '"x,y', 3, True)


def test_a_quote_that_cannot_be_closed_to_a_whole_record_is_read_as_text() -> None:
    # line 2 "1,"x" has two fields however it is closed: its quote is read as text (the parser then
    # rejects the line as too short); line 4's quote closes after "c" (3 fields); every line is one record
    [(text, _, records, _, continuing, mends)] = layouts(b'1,"x\n2,a,b\n3,"c,d\n4,e,f\n')
    assert text == b'1,x\n2,a,b\n3,"c",d\n4,e,f\n'
    assert records == [2, 3, 4, 5] and continuing == 0
    assert [(m.line, m.closed) for m in mends] == [(2, False), (4, True)]


def test_well_formed_quoted_line_breaks_are_one_record_over_several_lines() -> None:
    # neither swallowed line is a record of its own: these are line breaks inside quoted fields
    [(text, _, records, _, continuing, mends)] = layouts(b'1,"x\ny",z\n2,a,"note, with\nbreak"\n3,b,c\n')
    assert records == [2, 4, 6] and continuing == 2 and mends == []
    assert text.count(b'"') == 4  # untouched


def test_blank_lines_are_counted_not_read_and_a_quote_open_at_the_end_is_closed() -> None:
    [(text, _, records, blank, _, mends)] = layouts(b'1,a,b\n\n2,"x",y\r\n\r\n3,z,"unclosed')
    assert records == [2, 4, 6] and blank == 2
    assert text.endswith(b'"unclosed"') and [m.line for m in mends] == [6]


def test_stray_quotes_across_small_blocks_are_each_mended_once() -> None:
    text = b'1,a,b\n2,"Asda, Thurmaston,c\n3,c,d\n' * 3
    got = layouts(text, block_size=20)
    assert b"".join(t for t, *_ in got) == text.replace(b'"Asda, Thurmaston,', b'"Asda, Thurmaston",')
    assert [r for *_, records, _, _, _ in [(g[0], g[1], g[2], g[3], g[4], g[5]) for g in got] for r in records] == list(
        range(2, 11)
    )
    assert [m.line for g in got for m in g[5]] == [3, 6, 9]


def test_a_file_with_more_stray_quotes_than_can_be_mended_reliably_is_refused(tmp_path: Path) -> None:
    import pytest

    from pack.data.quotes import MAX_MENDS
    from pack.errors import DataError

    path = tmp_path / "many.csv"
    path.write_bytes(b"a,b,c\n" + b'1,"x,y\n2,a,b\n' * (MAX_MENDS + 1))  # every other line opens a stray quote
    with pytest.raises(DataError, match=rf"file many.csv, row {2 * MAX_MENDS + 2}: more than {MAX_MENDS} quotes"):
        list(line_runs(path, 3, shown="many.csv"))
