"""Dataset store: tables round-trip exactly, are shared by processes and addressed safely."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from algorithms.errors import DataError
from dashboard.storage import DatasetStore, dataset_hash
from dashboard.storage.datasets import storable_table

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO / ".." / "shared" / "data"


def mall_like() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "CustomerID": ["0001", "0002", "0003", "0010"],
            "Genre": ["Male", "Female", None, "Female"],
            "Age": [19, 21, 20, 23],
            "Annual Income (k$)": [15.0, np.nan, 16.0, 16.5],
            "Spending Score (1-100) ": [39, 81, 6, 77],
        }
    )


def several_dtypes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": pd.Series(["a", "b", None, "d"], dtype="str"),
            "object_text": pd.Series(["x", None, "z", "0002"], dtype=object),
            "mixed": pd.Series(["A1B", 12345, 2.5, None], dtype=object),
            "object_numbers": pd.Series([1, 2.5, None, 4], dtype=object),
            "nullable_int": pd.array([1, None, 3, 4], dtype="Int64"),
            "flag": [True, False, True, True],
            "category": pd.Categorical(["lo", "hi", "lo", "mid"]),
            "joined": pd.to_datetime(["2024-01-01", "2024-02-29", None, "2023-12-31"]),
            "float": [0.5, -0.0, np.inf, np.nan],
            7: [1, 2, 3, 4],
        }
    ).set_axis([10, 11, 12, 13])


@pytest.fixture
def datasets(tmp_path) -> DatasetStore:
    return DatasetStore(tmp_path / "datasets")


def test_a_table_round_trips_with_text_ids_and_missing_values(datasets):
    table = mall_like()

    info = datasets.put(table, "Mall_Customers.csv")
    back = datasets.get(info.dataset_id)

    pd.testing.assert_frame_equal(back, table)
    assert back["CustomerID"].tolist() == ["0001", "0002", "0003", "0010"]
    assert pd.isna(back.loc[1, "Annual Income (k$)"]) and pd.isna(back.loc[2, "Genre"])
    assert info.name == "Mall_Customers.csv"
    assert (info.n_rows, info.n_columns) == (4, 5)
    assert info.columns == list(table.columns)
    assert info.stored_at.utcoffset().total_seconds() == 0


def test_object_columns_are_stored_with_a_real_type(datasets):
    table = several_dtypes()

    back = datasets.get(datasets.put(table, "mixed.xlsx").dataset_id)

    assert list(back.columns) == [str(c) for c in table.columns]
    assert back.index.tolist() == [0, 1, 2, 3]
    assert back["object_text"].tolist()[::2] == ["x", "z"]
    assert back["object_text"].iloc[3] == "0002" and pd.isna(back["object_text"].iloc[1])
    assert back["mixed"].tolist()[:3] == ["A1B", "12345", "2.5"]
    assert pd.isna(back["mixed"].iloc[3])
    assert back["object_numbers"].dtype == np.float64
    pd.testing.assert_frame_equal(back, storable_table(table))


def test_hash_of_a_stored_table_is_its_id(datasets):
    for table in (mall_like(), several_dtypes()):
        info = datasets.put(table, "t")
        assert dataset_hash(table) == info.dataset_id
        assert dataset_hash(datasets.get(info.dataset_id)) == info.dataset_id
        assert (
            DatasetStore(datasets.folder).get(info.dataset_id).equals(datasets.get(info.dataset_id))
        )


def test_hash_is_the_same_in_another_process(tmp_path):
    datasets = DatasetStore(tmp_path)
    info = datasets.put(several_dtypes(), "t")
    script = (
        "from tests.storage.test_datasets import several_dtypes;"
        "from dashboard.storage import dataset_hash;"
        "print(dataset_hash(several_dtypes()))"
    )
    other = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert other.stdout.strip() == info.dataset_id


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.assign(Age=t["Age"].where(t.index != 2, 99)),
        lambda t: t.rename(columns={"Age": "age"}),
        lambda t: t[list(reversed(t.columns))],
        lambda t: t.astype({"Age": "float64"}),
        lambda t: t.iloc[::-1],
        lambda t: t.iloc[:3],
        lambda t: t.assign(CustomerID=["1", "2", "3", "10"]),
    ],
    ids=["value", "column name", "column order", "dtype", "row order", "rows", "ids"],
)
def test_any_change_of_content_changes_the_id(change):
    assert dataset_hash(change(mall_like())) != dataset_hash(mall_like())


def test_the_index_does_not_count():
    table = mall_like()
    assert dataset_hash(table.set_axis([5, 6, 7, 8])) == dataset_hash(table)


def test_same_content_twice_gets_the_same_id_without_rewriting(datasets):
    first = datasets.put(mall_like(), "first.csv")
    files = sorted(datasets.folder.iterdir())
    written = {path: path.stat().st_mtime_ns for path in files}

    again = datasets.put(mall_like().set_axis(list("abcd")), "second name.csv")

    assert again == first
    assert {path: path.stat().st_mtime_ns for path in datasets.folder.iterdir()} == written
    assert [p.name for p in files] == [f"{first.dataset_id}.json", f"{first.dataset_id}.parquet"]


def test_two_stores_on_one_folder_share_tables(tmp_path):
    writer, reader = DatasetStore(tmp_path), DatasetStore(tmp_path)
    assert not reader.exists(dataset_hash(mall_like()))

    info = writer.put(mall_like(), "mall.csv")

    assert reader.exists(info.dataset_id)
    assert reader.info(info.dataset_id) == info
    pd.testing.assert_frame_equal(reader.get(info.dataset_id), mall_like())
    assert [i.dataset_id for i in reader.list()] == [info.dataset_id]


def test_names_and_columns_keep_any_characters(tmp_path):
    table = pd.DataFrame({"Âge 🧑": [30, 40], "<b>Revenu</b> (k€)": ["0001", "0002"]})
    info = DatasetStore(tmp_path).put(table, "données clients 2024 📊.xlsx")

    reopened = DatasetStore(tmp_path)
    assert reopened.info(info.dataset_id).name == "données clients 2024 📊.xlsx"
    assert reopened.info(info.dataset_id).columns == ["Âge 🧑", "<b>Revenu</b> (k€)"]
    pd.testing.assert_frame_equal(reopened.get(info.dataset_id), table)


def test_list_is_newest_first(datasets):
    older = datasets.put(mall_like(), "older.csv")
    newer = datasets.put(mall_like().iloc[:2], "newer.csv")
    (datasets.folder / "notes.json").write_text("{}")
    assert datasets.list() == [newer, older]


def test_a_deleted_table_is_gone_for_every_store_on_the_folder(tmp_path):
    writer, reader = DatasetStore(tmp_path), DatasetStore(tmp_path)
    kept = writer.put(mall_like().iloc[:2], "kept.csv")
    doomed = writer.put(mall_like(), "doomed.csv")
    reader.get(doomed.dataset_id)  # now held in the reader's memory

    assert writer.delete(doomed.dataset_id) == doomed

    for store in (writer, reader):
        assert not store.exists(doomed.dataset_id)
        assert [info.dataset_id for info in store.list()] == [kept.dataset_id]
        with pytest.raises(DataError, match=f"no stored table with id {doomed.dataset_id}"):
            store.get(doomed.dataset_id)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [f"{kept.dataset_id}.json", f"{kept.dataset_id}.parquet"]
    )
    with pytest.raises(DataError, match="no stored table with id"):
        writer.delete(doomed.dataset_id)
    assert writer.put(mall_like(), "again.csv").dataset_id == doomed.dataset_id


def test_unknown_id_is_a_clear_error(datasets):
    with pytest.raises(DataError, match="no stored table with id 0123456789abcdef"):
        datasets.get("0123456789abcdef")
    with pytest.raises(DataError, match="upload the file again"):
        datasets.info("0123456789abcdef")
    assert not datasets.exists("0123456789abcdef")


@pytest.mark.parametrize(
    "bad_id",
    [
        "../../etc/passwd",
        "../datasets/0123456789abcdef",
        "/etc/passwd",
        "0123456789ABCDEF",
        "0123456789abcde",
        "0123456789abcdef0",
        "0123456789abcdeg",
        "0123456789abcdef\n",
        "",
        None,
        12345,
    ],
)
def test_ids_that_are_not_hashes_never_reach_the_filesystem(datasets, bad_id, monkeypatch):
    def no_filesystem(*args, **kwargs):
        raise AssertionError("the filesystem was touched")

    monkeypatch.setattr(Path, "is_file", no_filesystem)
    monkeypatch.setattr(pd, "read_parquet", no_filesystem)
    for operation in (datasets.get, datasets.info, datasets.exists, datasets.delete):
        with pytest.raises(DataError, match="is not a dataset id"):
            operation(bad_id)


def test_callers_cannot_change_the_stored_table(datasets):
    dataset_id = datasets.put(mall_like(), "mall.csv").dataset_id

    first = datasets.get(dataset_id)
    first["Age"] = 0
    first.loc[0, "CustomerID"] = "XXXX"
    first["extra"] = 1

    pd.testing.assert_frame_equal(datasets.get(dataset_id), mall_like())


def test_recently_read_tables_are_served_from_memory(tmp_path, monkeypatch):
    writer = DatasetStore(tmp_path)
    ids = [writer.put(mall_like().iloc[: n + 1], f"t{n}").dataset_id for n in range(4)]
    reads = []
    read_parquet = pd.read_parquet

    def counting_read(path, **kwargs):
        reads.append(Path(path).stem)
        return read_parquet(path, **kwargs)

    monkeypatch.setattr(pd, "read_parquet", counting_read)
    reader = DatasetStore(tmp_path, cached_frames=2)

    for dataset_id in (ids[0], ids[0], ids[1], ids[0], ids[2], ids[1], ids[0]):
        reader.get(dataset_id)

    # ids[1] was evicted when ids[2] came in (ids[0] had been used more recently).
    assert reads == [ids[0], ids[1], ids[2], ids[1], ids[0]]


def test_a_failed_write_leaves_no_table_behind(datasets, monkeypatch):
    def disk_full(self, path, **kwargs):
        Path(path).write_bytes(b"PAR1 partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", disk_full)

    with pytest.raises(OSError, match="No space left"):
        datasets.put(mall_like(), "mall.csv")

    assert list(datasets.folder.iterdir()) == []
    assert not datasets.exists(dataset_hash(mall_like()))
    monkeypatch.undo()
    assert datasets.put(mall_like(), "mall.csv").n_rows == 4


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (pd.DataFrame(), "is empty"),
        (pd.DataFrame({"a": pd.Series([], dtype=float)}), "is empty"),
        (pd.DataFrame([[1, 2]], columns=["a", "a"]), "several columns named 'a'"),
        (pd.DataFrame([[1, 2]], columns=[1, "1"]), "several columns named '1'"),
        ([[1, 2]], "expected a table"),
    ],
)
def test_tables_that_cannot_be_stored_are_refused(datasets, table, message):
    with pytest.raises(DataError, match=message):
        datasets.put(table, "bad.csv")
    assert datasets.list() == []


def test_a_table_needs_a_name(datasets):
    with pytest.raises(DataError, match="needs a name"):
        datasets.put(mall_like(), "  ")


@pytest.mark.parametrize(
    "file_name", ["Mall_Customers.csv", "CC GENERAL.csv", "Wholesale customers data.csv"]
)
def test_the_real_datasets_round_trip(datasets, file_name):
    path = SHARED_DATA / file_name
    if not path.is_file():
        pytest.skip(f"{path} is not available on this machine")
    table = pd.read_csv(path, dtype={"CustomerID": str})

    info = datasets.put(table, file_name)

    pd.testing.assert_frame_equal(DatasetStore(datasets.folder).get(info.dataset_id), table)
    assert info.n_rows == len(table)
