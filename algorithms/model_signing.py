"""Model files signed with a key, and checked before anything in them is unpickled.

A model is a pickle, and unpickling runs whatever code the file names: checking the file's
contents *after* loading it is too late. So a saved model is an envelope, a magic line, the
envelope's version and an HMAC-SHA256 of both and of the payload (the joblib pickle), and
``verified_payload`` hands the payload over only when the HMAC matches this installation's key.
A file written by anyone without the key (a hostile download, an old unsigned model, a model
changed since) is refused unread.

The key is ``SEGMENTA_MODEL_KEY`` when set (at least 32 characters), else a random key created
once in the instance folder (``model_key``, mode 0600) and shared by the app and the CLI of that
installation. To use a model on another machine, give both the same ``SEGMENTA_MODEL_KEY``.
"""

import hashlib
import hmac
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from algorithms.errors import DataError, SegmentaError
from algorithms.key_files import read_or_create_key

MODEL_KEY_ENV = "SEGMENTA_MODEL_KEY"
KEY_FILE_NAME = "model_key"
MIN_KEY_CHARACTERS = 32
MAGIC = b"SEGMENTA SIGNED MODEL\n"
ENVELOPE_VERSION = 1
_VERSION = struct.Struct(">H")
_TAG_BYTES = hashlib.sha256().digest_size
_HEADER_BYTES = len(MAGIC) + _VERSION.size + _TAG_BYTES
NEW_KEY_HINT = 'python -c "import secrets; print(secrets.token_hex(32))"'


@dataclass(frozen=True)
class ModelKey:
    """The secret that signs and checks model files, and where it came from (for messages)."""

    secret: bytes
    source: str

    @classmethod
    def for_instance(cls, instance_path: str | os.PathLike) -> "ModelKey":
        """``SEGMENTA_MODEL_KEY``, else the instance folder's key file, created on first use."""
        value = os.environ.get(MODEL_KEY_ENV, "").strip()
        if value:
            return cls(_checked(value, MODEL_KEY_ENV), MODEL_KEY_ENV)
        path = Path(instance_path) / KEY_FILE_NAME
        return cls(_checked(read_or_create_key(path), str(path)), str(path))


def _checked(value: str, source: str) -> bytes:
    if len(value) < MIN_KEY_CHARACTERS:
        raise SegmentaError(
            f"The model key in {source} has {len(value)} characters; it needs at least "
            f"{MIN_KEY_CHARACTERS}: make one with {NEW_KEY_HINT}."
        )
    return value.encode("utf-8")


def _tag(key: ModelKey, version: int, payload: bytes) -> bytes:
    return hmac.new(key.secret, MAGIC + _VERSION.pack(version) + payload, "sha256").digest()


def signed(payload: bytes, key: ModelKey) -> bytes:
    """``payload`` in a signed envelope."""
    version = _VERSION.pack(ENVELOPE_VERSION)
    return MAGIC + version + _tag(key, ENVELOPE_VERSION, payload) + payload


def verified_payload(envelope: bytes, key: ModelKey, name: str) -> bytes:
    """The payload of a signed envelope, or ``DataError`` saying why it was not opened.

    ``name`` is the file's name, for the message. Nothing is unpickled here.
    """
    if not envelope.startswith(MAGIC) or len(envelope) < _HEADER_BYTES:
        raise DataError(
            f"{name!r} is not a model saved by `segmenta segment --model` (it carries no "
            "Segmenta signature: not a model, or saved by a Segmenta older than signed models); "
            "it was not opened, since loading a model file can run code: save the model again."
        )
    (version,) = _VERSION.unpack_from(envelope, len(MAGIC))
    if version != ENVELOPE_VERSION:
        raise DataError(
            f"{name!r} is a signed model of envelope version {version}; this Segmenta reads "
            f"version {ENVELOPE_VERSION}: save the model again with this Segmenta."
        )
    tag = envelope[len(MAGIC) + _VERSION.size : _HEADER_BYTES]
    payload = envelope[_HEADER_BYTES:]
    if not hmac.compare_digest(tag, _tag(key, version, payload)):
        raise DataError(
            f"{name!r} is not signed with this installation's model key ({key.source}): it was "
            "saved with another key or changed since, and was not opened, since loading a model "
            f"file can run code. Set {MODEL_KEY_ENV} to the key it was saved with, or save the "
            "model again."
        )
    return payload
