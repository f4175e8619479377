"""Scratch arrays kept between calls, so that a training loop does not allocate per call.

The engine's inner loops write into arrays from :func:`scratch`: the first call with a
given (purpose, shape, dtype) allocates, later calls get the same array back. Large
fresh arrays are expensive on Linux (glibc hands them out with mmap, so every call
page-faults its memory in again); reused ones are already mapped. Each thread has its
own cache, and only the few most recently used arrays are kept (:data:`KEEP`).
Contents are never meaningful between calls: callers overwrite what they read.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

KEEP = 8  # arrays kept per thread; the least recently used beyond this are dropped

_local = threading.local()


def _cache() -> OrderedDict:
    if not hasattr(_local, "arrays"):
        _local.arrays = OrderedDict()
        _local.counts = {"allocated": 0, "reused": 0}
    return _local.arrays


def scratch(purpose: str, shape: tuple[int, ...], dtype) -> np.ndarray:
    """An uninitialised array for ``purpose`` of this shape and dtype, reused across calls."""
    arrays = _cache()
    key = (purpose, tuple(int(n) for n in shape), np.dtype(dtype).str)
    array = arrays.get(key)
    if array is None:
        array = np.empty(key[1], dtype=dtype)
        arrays[key] = array
        _local.counts["allocated"] += 1
        while len(arrays) > KEEP:
            arrays.popitem(last=False)
    else:
        arrays.move_to_end(key)
        _local.counts["reused"] += 1
    return array


def counts() -> dict[str, int]:
    """How many scratch arrays this thread has allocated and reused so far."""
    _cache()
    return dict(_local.counts)


def release() -> None:
    """Drop this thread's scratch arrays (their memory returns to the system)."""
    _cache().clear()
