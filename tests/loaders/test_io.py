import gzip

import pytest

from boardpack.errors import DataValidationError
from boardpack.loaders._io import read_csv, read_json


def write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_reads_csv_and_gzip(tmp_path):
    p = write(tmp_path, "a.csv.gz", gzip.compress(b"a,b\n1,2\n"))
    assert read_csv(p, ["a", "b"]).to_dict("records") == [{"a": 1, "b": 2}]


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.csv", b"", "file is empty"),
        ("blank.csv", b"\n \n", "file is empty"),
        ("cut.csv.gz", gzip.compress(b"a,b\n1,2\n" * 100)[:30], "truncated or not valid gzip"),
        ("semi.csv", b"a;b\n1;2\n", "separated by semicolons"),
        ("utf16.csv", "a,b\n1,2\n".encode("utf-16"), "UTF-16"),
        ("latin.csv", "a,b\nSt\u00e9phane,2\n".encode("latin-1"), "cannot be decoded"),
        ("missing.csv", b"a,c\n1,2\n", "required column 'b' is missing"),
        ("case.csv", b"a,B\n1,2\n", "found 'B'"),
        ("dupe.csv", b"a,b,b\n1,2,3\n", "'b' appears more than once"),
    ],
)
def test_broken_files_give_clear_messages(tmp_path, name, data, message):
    p = write(tmp_path, name, data)
    with pytest.raises(DataValidationError, match=message) as info:
        read_csv(p, ["a", "b"])
    assert name in str(info.value)


def test_bad_json_names_the_line(tmp_path):
    p = write(tmp_path, "x.json", b'[\n{"a": 1},\n{"a": }\n]')
    with pytest.raises(DataValidationError, match="line 3.*not valid JSON"):
        read_json(p)


@pytest.mark.parametrize(
    "rows, has_data",
    [
        ([{"a": "x", "b": None}], True),
        ([{"a": 0, "b": None}], True),  # a zero is data
        ([{"a": " ", "b": None}, {"a": None, "b": "2"}], True),  # a blank first row: the rest is looked at
        ([{"a": " ", "b": float("nan")}, {"a": "\t", "b": None}], False),
        ([], False),
    ],
)
def test_require_rows_judges_the_first_row_as_it_judges_the_rest(tmp_path, rows, has_data):
    import pandas as pd

    from boardpack.errors import EmptyInputError
    from boardpack.loaders._io import _non_blank, require_rows

    df = pd.DataFrame(rows, columns=["a", "b"])
    if has_data:
        assert require_rows(tmp_path / "f.csv", df) is df
    else:
        with pytest.raises(EmptyInputError, match="f.csv"):
            require_rows(tmp_path / "f.csv", df)
    if len(df):  # the one-row shortcut agrees with the whole-table test on the first row
        from boardpack.loaders._io import _filled

        assert any(_filled(v) for v in df.iloc[0]) == bool(_non_blank(df.iloc[:1]).any())
