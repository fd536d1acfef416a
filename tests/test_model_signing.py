"""Model files are checked before they are unpickled: the key (from the environment, or created
once per instance folder), the signed envelope, and hostile files refused unread.

Every hostile payload is the bad-input corpus's trap pickle, which creates ``UNPICKLED`` in its
folder when loaded: each test checks the marker never appears.
"""

import hashlib
import hmac
import io
import stat
import struct
from concurrent.futures import ThreadPoolExecutor

import joblib
import pytest

from algorithms.errors import DataError, SegmentaError
from algorithms.loading import load_sample
from algorithms.model_io import SegmentModel, load_model
from algorithms.model_signing import (
    KEY_FILE_NAME,
    MAGIC,
    MODEL_KEY_ENV,
    ModelKey,
    signed,
    verified_payload,
)
from algorithms.segmentation import SegmentationSpec, run_segmentation
from tests.data.bad.make_corpus import UNPICKLED_MARKER, hostile_pickle

KEY = ModelKey(b"a" * 64, "key A")
OTHER_KEY = ModelKey(b"b" * 64, "key B")


@pytest.fixture(autouse=True)
def no_key_in_the_environment(monkeypatch):
    monkeypatch.delenv(MODEL_KEY_ENV, raising=False)


@pytest.fixture(scope="module")
def model() -> SegmentModel:
    spec = SegmentationSpec(("Annual Income (k$)", "Spending Score (1-100)"), "kmeans")
    return SegmentModel.from_segmentation(run_segmentation(load_sample(), spec))


def refused(path, key: ModelKey, *expected: str) -> str:
    """``load_model`` refuses ``path`` with every ``expected`` text, nothing unpickled."""
    with pytest.raises(DataError) as refusal:
        load_model(path, key)
    message = str(refusal.value)
    for text in expected:
        assert text in message
    assert "\n" not in message
    assert not (path.parent / UNPICKLED_MARKER).exists()
    return message


def test_the_envelope_round_trips_and_says_what_signed_it():
    payload = b"any bytes \x00\xff"
    envelope = signed(payload, KEY)
    assert envelope.startswith(MAGIC)
    assert verified_payload(envelope, KEY, "m") == payload
    version, tag = (
        struct.unpack_from(">H", envelope, len(MAGIC))[0],
        envelope[len(MAGIC) + 2 :][:32],
    )
    expected = hmac.new(KEY.secret, MAGIC + struct.pack(">H", version) + payload, hashlib.sha256)
    assert tag == expected.digest()


def test_a_model_signed_with_the_key_loads_and_assigns(model, tmp_path):
    path = tmp_path / "model.joblib"
    path.write_bytes(model.to_bytes(KEY))
    table = load_sample()
    assert load_model(path, KEY).assign(table).equals(model.assign(table))


def test_an_unsigned_hostile_pickle_is_refused_unread(tmp_path):
    path = tmp_path / "model.joblib"
    path.write_bytes(hostile_pickle(tmp_path))
    refused(
        path, KEY, "is not a model saved by `segmenta segment --model`", "no Segmenta signature"
    )


def test_a_hostile_pickle_in_an_envelope_signed_with_another_key_is_refused_unread(tmp_path):
    path = tmp_path / "model.joblib"
    path.write_bytes(signed(hostile_pickle(tmp_path), OTHER_KEY))
    refused(path, KEY, "is not signed with this installation's model key (key A)", MODEL_KEY_ENV)


def test_a_forged_envelope_with_a_made_up_signature_is_refused_unread(tmp_path):
    path = tmp_path / "model.joblib"
    path.write_bytes(MAGIC + struct.pack(">H", 1) + bytes(32) + hostile_pickle(tmp_path))
    refused(path, KEY, "is not signed with this installation's model key")


def test_a_signed_model_changed_afterwards_is_refused_unread(model, tmp_path):
    path = tmp_path / "model.joblib"
    envelope = bytearray(model.to_bytes(KEY))
    envelope[-10] ^= 0x01
    path.write_bytes(bytes(envelope))
    refused(path, KEY, "changed since")
    path.write_bytes(model.to_bytes(KEY) + hostile_pickle(tmp_path))
    refused(path, KEY, "changed since")
    path.write_bytes(model.to_bytes(KEY)[: len(MAGIC) + 10])
    refused(path, KEY, "no Segmenta signature")


def test_another_envelope_version_is_refused(model, tmp_path):
    path = tmp_path / "model.joblib"
    envelope = model.to_bytes(KEY)
    path.write_bytes(MAGIC + struct.pack(">H", 7) + envelope[len(MAGIC) + 2 :])
    refused(path, KEY, "envelope version 7", "reads version 1")


def test_the_key_file_is_created_once_private_and_shared(tmp_path):
    instance = tmp_path / "instance"
    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(lambda _: ModelKey.for_instance(instance), range(16)))
    assert len({key.secret for key in keys}) == 1
    key_file = instance / KEY_FILE_NAME
    assert keys[0].source == str(key_file)
    assert len(keys[0].secret) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert sorted(path.name for path in instance.iterdir()) == [KEY_FILE_NAME]
    assert ModelKey.for_instance(instance) == keys[0]
    assert ModelKey.for_instance(tmp_path / "elsewhere").secret != keys[0].secret


def test_the_environment_key_wins_and_a_short_one_is_refused(monkeypatch, tmp_path, model):
    monkeypatch.setenv(MODEL_KEY_ENV, "x" * 40)
    key = ModelKey.for_instance(tmp_path / "instance")
    assert key == ModelKey(b"x" * 40, MODEL_KEY_ENV)
    assert not (tmp_path / "instance").exists()
    monkeypatch.setenv(MODEL_KEY_ENV, "change-me")
    with pytest.raises(SegmentaError, match=f"{MODEL_KEY_ENV} has 9 characters.*secrets"):
        ModelKey.for_instance(tmp_path / "instance")


def test_a_model_moves_between_installations_with_the_same_key(monkeypatch, model, tmp_path):
    """Two instance folders (the server, a laptop) share models through SEGMENTA_MODEL_KEY."""
    path = tmp_path / "model.joblib"
    path.write_bytes(model.to_bytes(ModelKey.for_instance(tmp_path / "server")))
    refused(path, ModelKey.for_instance(tmp_path / "laptop"), "saved with another key")
    monkeypatch.setenv(MODEL_KEY_ENV, "shared-" + "k" * 40)
    path.write_bytes(model.to_bytes(ModelKey.for_instance(tmp_path / "server")))
    assert load_model(path, ModelKey.for_instance(tmp_path / "laptop")).spec == model.spec


def test_the_payload_is_a_plain_joblib_pickle(model):
    """The envelope adds a header only: the payload is what joblib wrote."""
    envelope = model.to_bytes(KEY)
    payload = verified_payload(envelope, KEY, "m")
    assert envelope.endswith(payload) and len(envelope) - len(payload) == len(MAGIC) + 2 + 32
    assert joblib.load(io.BytesIO(payload)).spec == model.spec
