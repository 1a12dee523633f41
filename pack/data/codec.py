"""Dataclasses to plain JSON data and back, led by their type hints: a cached result is read as data.

Nothing the cache holds is executed when read (no pickle): :func:`to_data` writes a dataclass as
JSON values (a dataclass as an object of its fields, a ``Counter`` or ``dict`` as a list of
``[key, value]`` pairs in their order, a set sorted, a tuple as a list) and :func:`from_data` builds
it again from the type hints of the class asked for, checking every value's type on the way: data
that do not fit (a missing or extra field, a string where a count belongs) raise ``ValueError``,
never construct anything the hints do not name.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections import Counter
from typing import Any

_SCALARS = (str, int, float, bool)


def to_data(value: Any) -> Any:
    """``value`` as JSON-ready data (see the module's docstring)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):  # a Counter too: insertion order kept, as the reader made it
        return [[to_data(k), to_data(v)] for k, v in value.items()]
    if isinstance(value, (set, frozenset)):
        return sorted(to_data(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [to_data(v) for v in value]
    if value is None or isinstance(value, _SCALARS):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} as data")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _scalar(kind: type, data: Any) -> Any:
    if kind is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
        raise ValueError(f"expected {kind.__name__}, found {type(data).__name__}")
    return data


def _pairs(data: Any) -> list:
    if not isinstance(data, list) or not all(isinstance(p, list) and len(p) == 2 for p in data):
        raise ValueError("expected a list of [key, value] pairs")
    return data


def _dataclass(cls: type, data: Any) -> Any:
    hints = _hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    if not isinstance(data, dict) or sorted(data) != sorted(names):
        raise ValueError(f"{cls.__name__}: expected the fields {names}")
    return cls(**{name: from_data(hints[name], data[name]) for name in names})


def from_data(kind: Any, data: Any) -> Any:
    """Data written by :func:`to_data` read back as ``kind`` (a type hint); ``ValueError`` when
    they do not fit it."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        (chosen,) = [a for a in args if a is not type(None)]  # only Optional[X] is stored
        return from_data(chosen, data)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass(kind, data)
    if origin is Counter:
        return Counter({from_data(args[0], k): _scalar(int, v) for k, v in _pairs(data)})
    if origin is dict:
        return {from_data(args[0], k): from_data(args[1], v) for k, v in _pairs(data)}
    if origin in (set, frozenset, list, tuple) and not isinstance(data, list):
        raise ValueError(f"expected a list, found {type(data).__name__}")
    if origin in (set, frozenset):
        return origin(from_data(args[0], v) for v in data)
    if origin is list:
        return [from_data(args[0], v) for v in data]
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_data(args[0], v) for v in data)
        if len(args) != len(data):
            raise ValueError(f"expected {len(args)} values, found {len(data)}")
        return tuple(from_data(a, v) for a, v in zip(args, data, strict=True))
    if kind in _SCALARS:
        return _scalar(kind, data)
    raise ValueError(f"cannot read {kind!r} from the cache")
