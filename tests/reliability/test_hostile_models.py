"""``segmenta assign`` on model files it must not open: the bad-input corpus's pickles (which
create ``UNPICKLED`` in their folder when loaded), a hostile pickle in a well-formed envelope
signed with another key or with a made-up signature, an unsigned model, a signed model changed
afterwards. Each is refused with one ``segmenta: error:`` line and exit 2, nothing is written
and nothing is unpickled; a model signed with the installation's key still assigns.
"""

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from algorithms.loading import SAMPLE_PATH
from algorithms.model_signing import MAGIC, MODEL_KEY_ENV, ModelKey, signed
from dashboard.cli import main
from tests.data.bad.make_corpus import GENERATED, UNPICKLED_MARKER, hostile_pickle

SEGMENTA = Path(sys.executable).parent / "segmenta"
FEATURES = ("--features", "Annual Income (k$)", "Spending Score (1-100)")
CORPUS_PICKLES = ("model.pkl", "model.joblib", "pickle_named.csv")


@pytest.fixture
def instance(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "instance"
    monkeypatch.setenv("SEGMENTA_INSTANCE", str(folder))
    monkeypatch.delenv(MODEL_KEY_ENV, raising=False)
    return folder


def assign_refuses(model: Path, out: Path, capsys, *expected: str) -> None:
    code = main(["assign", str(model), str(SAMPLE_PATH), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("segmenta: error: "), captured.err
    for text in expected:
        assert text in lines[0]
    assert not out.exists()
    assert not (model.parent / UNPICKLED_MARKER).exists(), "the model file was unpickled"


@pytest.mark.parametrize("name", CORPUS_PICKLES)
def test_the_corpus_pickles_are_refused_unread(name, tmp_path, instance, capsys):
    model = tmp_path / name
    GENERATED[name](model)
    assign_refuses(model, tmp_path / "out.csv", capsys, "no Segmenta signature")


def test_a_hostile_envelope_signed_with_another_key_is_refused_unread(tmp_path, instance, capsys):
    model = tmp_path / "model.joblib"
    model.write_bytes(signed(hostile_pickle(tmp_path), ModelKey(b"z" * 64, "elsewhere")))
    key_file = str(instance / "model_key")
    assign_refuses(model, tmp_path / "out.csv", capsys, "not signed with", key_file)


def test_a_hostile_envelope_with_a_made_up_signature_is_refused_unread(tmp_path, instance, capsys):
    model = tmp_path / "model.joblib"
    envelope = MAGIC + struct.pack(">H", 1) + b"\x00" * 32 + hostile_pickle(tmp_path)
    model.write_bytes(envelope)
    assign_refuses(model, tmp_path / "out.csv", capsys, "not signed with")


def test_an_unsigned_or_changed_model_is_refused_a_signed_one_assigns(tmp_path, instance, capsys):
    model, out = tmp_path / "model.joblib", tmp_path / "out.csv"
    code = main(["segment", str(SAMPLE_PATH), *FEATURES, "--algorithm", "kmeans",
                 "--out", str(tmp_path / "segments.csv"), "--model", str(model)])  # fmt: skip
    assert code == 0
    capsys.readouterr()
    assert main(["assign", str(model), str(SAMPLE_PATH), "--out", str(out)]) == 0
    assert out.read_bytes() == (tmp_path / "segments.csv").read_bytes()
    out.unlink()
    capsys.readouterr()

    signed_model = model.read_bytes()
    model.write_bytes(signed_model[len(MAGIC) + 2 + 32 :])  # the joblib file older versions wrote
    assign_refuses(model, out, capsys, "no Segmenta signature")
    model.write_bytes(signed_model[:-1] + bytes([signed_model[-1] ^ 1]))
    assign_refuses(model, out, capsys, "changed since")


def test_a_real_segmenta_process_refuses_a_forged_model(tmp_path):
    model = tmp_path / "model.joblib"
    model.write_bytes(signed(hostile_pickle(tmp_path), ModelKey(b"z" * 64, "elsewhere")))
    out = tmp_path / "out.csv"
    done = subprocess.run(
        [str(SEGMENTA), "assign", str(model), str(SAMPLE_PATH), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **{name: value for name, value in os.environ.items() if name != MODEL_KEY_ENV},
            "SEGMENTA_INSTANCE": str(tmp_path / "instance"),
        },
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("segmenta: error: ") and done.stderr.count("\n") == 1
    assert "not signed with this installation's model key" in done.stderr
    assert not out.exists() and not (tmp_path / UNPICKLED_MARKER).exists()
