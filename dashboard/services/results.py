"""Computed results, cached by what determines them.

Keys are built from the dataset's content hash plus the full specification (features,
scaling, method, parameters, seed), so switching back to a view is instant and the same
request from a teammate is served from the cache. The backend is flask-caching's: a
filesystem cache by default, Redis when ``CACHE_REDIS_URL`` is set (shared by every worker).
If the cache is unreachable the result is computed anyway: a cache outage slows the app
down, it never breaks it.
"""

import hashlib
import json
import logging
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask_caching import Cache

log = logging.getLogger(__name__)


# Bumped whenever a cached result class changes shape, so old pickles are never read back.
RESULT_FORMAT = 1


def result_key(kind: str, dataset_id: str, **parts: Any) -> str:
    blob = json.dumps([RESULT_FORMAT, kind, dataset_id, parts], sort_keys=True, default=str)
    return f"segmenta:{kind}:{hashlib.sha256(blob.encode()).hexdigest()[:40]}"


class ResultCache:
    """``get_or_compute`` over a flask-caching backend."""

    def __init__(self, cache: Cache):
        self.cache = cache
        self.healthy = True
        self._forget_computing()
        _CACHES.add(self)

    def _forget_computing(self) -> None:
        """Fresh single-flight locks. A background fit runs in a process forked from a web
        worker whose request threads may hold some of these locks at that moment: the child
        would wait for ever on a computation no thread of its own is doing."""
        self._computing: dict[str, threading.Lock] = {}
        self._computing_guard = threading.Lock()

    def get_or_compute(self, key: str, compute: Callable[[], Any]) -> Any:
        """The cached value, else computed once: a request thread asking for a key another
        thread of this worker is computing waits for that result (the Compare panels ask for
        the first panel's result at the same time) instead of computing it again."""
        value = self._get(key)
        if value is not None:
            return value
        with self._computed_once(key):
            value = self._get(key)
            if value is not None:
                return value
            value = compute()
            self._set(key, value)
        return value

    @contextmanager
    def _computed_once(self, key: str) -> Iterator[None]:
        with self._computing_guard:
            lock = self._computing.setdefault(key, threading.Lock())
        try:
            with lock:
                yield
        finally:
            with self._computing_guard:
                if self._computing.get(key) is lock and not lock.locked():
                    del self._computing[key]

    def cached(self, key: str) -> Any | None:
        """The stored value of ``key``, or None when it was never computed (or the cache is
        out): for pages that show a result only if someone already paid for it."""
        return self._get(key)

    def check(self) -> None:
        """Raise when the backend cannot store and return a value (for /healthz)."""
        probe = "segmenta:health"
        self.cache.set(probe, "ok", timeout=30)
        if self.cache.get(probe) != "ok":
            raise RuntimeError("the cache did not return what was stored")

    def _get(self, key: str) -> Any:
        try:
            value = self.cache.get(key)
        except Exception as error:  # noqa: BLE001  (any backend failure means: compute)
            self._unhealthy(error)
            return None
        self.healthy = True
        return value

    def _set(self, key: str, value: Any) -> None:
        try:
            self.cache.set(key, value)
        except Exception as error:  # noqa: BLE001
            self._unhealthy(error)

    def _unhealthy(self, error: Exception) -> None:
        if self.healthy:
            log.warning("result cache unavailable, computing without it: %s", error)
        self.healthy = False


class RecentValues:
    """The last few values built in this process, by key, least recently used dropped first.

    For what is quick to rebuild from the shared cache but not free, such as a Compare panel
    drawn from its cached result: a revisit then answers without drawing again. Never shared
    between workers and never stale, as long as a key names everything its value is made from.
    """

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: str, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = compute()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value


_CACHES: "weakref.WeakSet[ResultCache]" = weakref.WeakSet()
os.register_at_fork(after_in_child=lambda: [cache._forget_computing() for cache in _CACHES])
