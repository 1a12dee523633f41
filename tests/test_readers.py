"""Reading CSV text in runs of whole lines (pack.data.readers.line_chunks) on tiny files with known cuts."""

from pathlib import Path

from pack.data.readers import count_byte, is_ascii, line_chunks


def runs(path: Path, block_size: int) -> tuple[list[bytes], bytes]:
    seen: list[bytes] = []
    pieces = [bytes(p) for p in line_chunks(path, block_size, on_bytes=lambda b: seen.append(bytes(b)))]
    return pieces, b"".join(seen)


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
    text = b"h\n" + b"1,a\n" + b'2,"x\ny"\n' + b"3,z\n"
    path = tmp_path / "q.csv"
    path.write_bytes(text)
    pieces, seen = runs(path, 10)
    assert pieces[0] == b"1,a\n"
    assert b"".join(pieces) == text[2:] and seen == text
    assert all(p.count(b'"') % 2 == 0 for p in pieces)


def test_a_record_longer_than_a_block_is_read_whole(tmp_path: Path) -> None:
    text = b"h\n" + b"x" * 40 + b"\nend"  # no newline at the very end either
    path = tmp_path / "long.csv"
    path.write_bytes(text)
    pieces, seen = runs(path, 8)  # 8 bytes hold no whole line: the block doubles until one fits
    assert pieces == [b"x" * 40 + b"\nend"]
    assert seen == text


def test_an_unclosed_quote_at_the_end_still_ends(tmp_path: Path) -> None:
    text = b"h\n" + b"1,a\n" * 5 + b'2,"never closed\n3,b\n'
    path = tmp_path / "open.csv"
    path.write_bytes(text)
    pieces, seen = runs(path, 16)
    assert b"".join(pieces) == text[2:] and seen == text


def test_header_only_and_byte_helpers(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes(b"a,b\n")
    assert runs(path, 8) == ([], b"a,b\n")
    assert count_byte(memoryview(b'a"b"\n'), b'"') == 2
    assert is_ascii(b"plain") and not is_ascii("café".encode()) and is_ascii(b"")
