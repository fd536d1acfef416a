"""The loader's fast paths (pyarrow's CSV reader, pyarrow's number cast) give the very frame
the reference paths give (pandas' reader, ``pd.to_numeric``), on every text variant and on
the real shared tables; where pyarrow cannot honour a file, pandas reads it."""

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from algorithms import text_tables
from algorithms.errors import DataError
from algorithms.loading import load_table

SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
VARIANTS = {
    "ids with leading zeros": "CustomerID,Age,Income\n0001,19,15.5\n0002,21,\n0010,NA,19\n",
    "crlf, BOM, blank lines": "\ufeffa,b\r\n1,x\r\n\r\n2,y\r\n",
    "excel sep line, decimal comma": "sep=;\nname;score\nAnn;12,5\nBob;3\n",
    "quoted delimiters, quotes, newlines": 'a,b\n"x, y","say ""hi"""\n"two\nlines",3\n',
    "missing tokens": "v,w\nn/a,1\n#N/A,2\nnull,NaN\n 7 , nan\n",
    "tabs and pipes": "a\tb\n1\t2\n3\t4\n",
    "pipes": "a|b|c\n1|2|3\n",
    "no final newline": "a,b\n1,2",
    "rows of empty cells": "a,b\n,\n1,2\n,\n",
    "trailing delimiter": "a,b,\n1,2,\n3,4,\n",
    "numbers of every shape": "a,b,c\n+3,1e5,.5\n-0,5.,-2.5E-3\n12,7,+1\n",
    "integers beyond 64 bits": "id,v\n99999999999999999999999,1\n-9223372036854775809,2\n",
    "unicode": "Name,Stadt\nZoë,Köln\n李,北京\n",
    "short row": "a,b,c\n1,2\n3,4,5\n",
}


@pytest.fixture
def reference(monkeypatch):
    """``load_table`` with the fast paths switched off."""

    def load(*args, **kwargs):
        with monkeypatch.context() as patched:
            patched.setattr(text_tables._Source, "parse_with_arrow", lambda *_: None)
            patched.setattr("algorithms.columns._to_numbers", pd.to_numeric)
            return load_table(*args, **kwargs)

    return load


def same_outcome(fast, reference):
    try:
        expected = reference()
    except DataError as error:
        with pytest.raises(DataError) as raised:
            fast()
        assert str(raised.value) == str(error)
        return
    pd.testing.assert_frame_equal(fast(), expected)


@pytest.mark.parametrize("text", VARIANTS.values(), ids=VARIANTS.keys())
def test_every_text_variant_loads_as_pandas_loads_it(text, reference):
    raw = text.encode("utf-8")
    same_outcome(lambda: load_table(raw, "t.csv"), lambda: reference(raw, "t.csv"))


def test_a_ragged_file_gets_pandas_message():
    with pytest.raises(DataError, match="3 values on line 3 but 2 columns"):
        load_table(b"a,b\n1,2\n3,4,5\n", "t.csv")


def test_windows_1252_text_is_read_by_pandas(reference):
    raw = "name,city\nJosé,Málaga\n".encode("cp1252")
    same_outcome(lambda: load_table(raw, "t.csv"), lambda: reference(raw, "t.csv"))


@pytest.mark.parametrize(
    "name", ["Mall_Customers.csv", "CC GENERAL.csv", "Wholesale customers data.csv"]
)
def test_the_real_tables_load_as_pandas_loads_them(name, reference):
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"the shared dataset is not at {path.resolve()}")
    same_outcome(lambda: load_table(path), lambda: reference(path))


CELLS = st.one_of(
    st.sampled_from(["", "NA", " 7 ", "0012", "1e5", "+3", "-0.5", "x", '"q"', "a,b", "é"]),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.text(alphabet='ab ,;"\n0123456789.-', max_size=6),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(CELLS, min_size=3, max_size=3), min_size=1, max_size=8))
def test_random_cells_load_as_pandas_loads_them(rows, reference):
    quoted = ['"' + cell.replace('"', '""') + '"' for row in rows for cell in row]
    lines = ["a,b,c"] + [",".join(quoted[i : i + 3]) for i in range(0, len(quoted), 3)]
    raw = "\n".join(lines).encode("utf-8")
    same_outcome(lambda: load_table(raw, "t.csv"), lambda: reference(raw, "t.csv"))
