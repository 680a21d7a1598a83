"""A source's own keys in ``sources.yaml`` as a typed dataclass, checked when the file is read.

Why: options read with ``config.get(...)`` were untyped, so ``months_back: abc`` failed mid-run far from
its line and a misspelt key was silently ignored. Each live source declares ``Options``, a frozen
dataclass whose fields are its keys (with defaults and a comment each); ``sources.yaml`` is checked
against it (``file:line: sources.name.key: what to write``) before anything is fetched, and the source
reads ``self.options.boards`` instead of strings. ``collect --help`` lists the fields.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from typing import Any, Literal, get_args, get_origin


@dataclasses.dataclass(frozen=True)
class NoOptions:
    """A source with no keys of its own besides enabled, base_url, concurrency and min_interval."""


class OptionError(ValueError):
    """One option with a value of the wrong type; the message says what to write instead."""


def option_types(cls: type) -> dict[str, Any]:
    """Field name → declared type of an options dataclass."""
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def describe(tp: Any) -> str:
    """The type in words a user of sources.yaml understands."""
    args = [a for a in get_args(tp) if a is not type(None)]
    if get_origin(tp) in (typing.Union, types.UnionType):
        return " or ".join(describe(a) for a in args)
    origin = get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(str(a) for a in get_args(tp))
    if origin is list:
        return f"{describe(args[0])} or a list of them"
    if origin is dict:
        return f"a mapping of text to {describe(args[1])}"
    return {bool: "true or false", int: "a whole number", float: "a number", str: "text"}.get(tp, "a value")


def coerce(tp: Any, value: Any) -> Any:
    """``value`` as ``tp``; raises :class:`OptionError` saying what was expected.

    YAML already typed the value, so only safe widenings are done: a lone item becomes a one-item list,
    a whole number a float, a number a string where text is expected (a board token ``1234``).
    """
    if value is None and _is_optional(tp):
        return None
    if get_origin(tp) in (typing.Union, types.UnionType):
        for member in (a for a in get_args(tp) if a is not type(None)):
            try:
                return coerce(member, value)
            except OptionError:
                continue
        raise OptionError(f"expected {describe(tp)}, got {_shown(value)}")
    origin = get_origin(tp)
    if origin is Literal:
        if value in get_args(tp) and not isinstance(value, bool):
            return value
        raise OptionError(f"expected {describe(tp)}, got {_shown(value)}")
    if origin is list:
        if not isinstance(value, list):
            try:
                return [coerce(get_args(tp)[0], value)]
            except OptionError:
                raise OptionError(f"expected {describe(tp)}, got {_shown(value)}") from None
        out = []
        for number, item in enumerate(value, 1):
            try:
                out.append(coerce(get_args(tp)[0], item))
            except OptionError as exc:
                raise OptionError(f"item {number}: {exc}") from None
        return out
    if origin is dict:
        if not isinstance(value, dict):
            raise OptionError(f"expected {describe(tp)}, got {_shown(value)}")
        key_type, value_type = get_args(tp)
        return {coerce(key_type, k): coerce(value_type, v) for k, v in value.items()}
    if tp is Any:
        return value
    if tp is bool and isinstance(value, bool):
        return value
    if tp is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if (
        tp is float
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    ):
        return float(value)
    if tp is str and isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    raise OptionError(f"expected {describe(tp)}, got {_shown(value)}")


def build(cls: type, raw: dict[str, Any]) -> Any:
    """An instance of the options dataclass ``cls`` from a source's raw mapping (unknown keys and wrong
    types raise :class:`OptionError`; ``sources.yaml`` is checked with lines before this runs)."""
    types_ = option_types(cls)
    values = {}
    for key, value in raw.items():
        if key not in types_:
            raise OptionError(f"unknown key {key!r}; known: {', '.join(sorted(types_)) or 'none'}")
        try:
            values[key] = coerce(types_[key], value)
        except OptionError as exc:
            raise OptionError(f"{key}: {exc}") from None
    return cls(**values)


def summary(cls: type) -> str:
    """``boards (a list of texts), pay_details (true or false, default false)`` for ``--help``."""
    parts = []
    for f in dataclasses.fields(cls):
        default = _default(f)
        shown = "" if default in (None, [], {}, "") else f", default {_yaml(default)}"
        parts.append(f"{f.name} ({describe(option_types(cls)[f.name])}{shown})")
    return ", ".join(parts) or "no options of its own"


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None


def _yaml(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _is_optional(tp: Any) -> bool:
    return get_origin(tp) in (typing.Union, types.UnionType) and type(None) in get_args(tp)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
