"""Keep xarray from importing ``dask.array`` until something actually uses dask.

xarray asks "is this a dask array?" on every ``Variable`` it builds, and answers it by importing
``dask.array`` (with scipy.sparse, ~0.3 s) the first time whenever dask is installed. Until
``dask.array`` has been imported by someone, no object can be a dask array, so the answer is
"no" without importing anything. :func:`defer_dask_array_import` puts a stand-in for xarray's
cached ``dask`` duck-array record that says so, and hands over to xarray's own record as soon
as ``dask.array`` is in ``sys.modules`` (``.chunk()``, Monte Carlo blocks, …). If xarray's
internals are not as expected, it does nothing (xarray then behaves as it always did).
"""

from __future__ import annotations

import sys


class _DeferredDask:
    """Stands in for ``xarray.namedarray.pycompat.DuckArrayModule("dask")``."""

    def __init__(self, cache: dict, cls: type) -> None:
        self._cache = cache
        self._cls = cls

    def _real(self):
        real = self._cls("dask")
        if self._cache.get("dask") is self:
            self._cache["dask"] = real
        return real

    @property
    def type(self) -> tuple:
        if "dask.array" not in sys.modules:
            return ()
        return self._real().type

    def __getattr__(self, name: str):  # module, version, available: xarray's own answer
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._real(), name)


def defer_dask_array_import() -> bool:
    """Install the stand-in (idempotent); True when it is in place."""
    if "dask.array" in sys.modules:
        return False
    try:
        from xarray.namedarray import pycompat
    except ImportError:  # pragma: no cover - xarray is a core dependency
        return False
    cache = getattr(pycompat, "_cached_duck_array_modules", None)
    cls = getattr(pycompat, "DuckArrayModule", None)
    if not isinstance(cache, dict) or not isinstance(cls, type):
        return False
    current = cache.get("dask")
    if isinstance(current, _DeferredDask):
        return True
    if current is not None:
        return False
    cache["dask"] = _DeferredDask(cache, cls)
    return True
