"""``sources.yaml``: which live sources to collect, from where, and how politely.

Each source entry may set ``enabled``, ``base_url`` (EU hosts, mirrors, tests), ``concurrency`` and
``min_interval`` (seconds between requests to its host); everything else is the source's own options
(boards, months back, ...). The ``http`` section sets the fetcher's knobs, including the contact that
goes into our User-Agent.

The file is read by :mod:`skillpulse.config_files` (bounded size, no Python tags, no YAML bombs, UTF-8;
every problem as ``file:line: where: what to write``); its shape is checked against each source's typed
``Options`` rather than a JSON Schema, so ``collect --help`` and the check cannot disagree. A path given
explicitly (``--config``, ``$SKILLPULSE_SOURCES``) must exist; only the shipped default may be absent.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from skillpulse.config_files import ConfigFileValueError, decode, parse_yaml, read_bytes
from skillpulse.flows.http import FetchSettings, HostPolicy
from skillpulse.flows.settings import PROJECT_ROOT, data_dir
from skillpulse.flows.sources.options import OptionError, coerce, option_types

DEFAULT_CONFIG_PATH = PROJECT_ROOT / "sources.yaml"
_COMMON_TYPES: dict[str, Any] = {
    "enabled": bool,
    "base_url": str | None,
    "concurrency": int | None,
    "min_interval": float | None,
    # Also collect the boards `skillpulse boards discover` found for this ATS: {file: boards.csv, since:
    # 2025-01-01} (since: last seen on or after; without it, every discovered board).
    "discovered": dict[str, str],
}
_COMMON_KEYS = set(_COMMON_TYPES)
_TOP_KEYS = {"http", "batch_size", "sources"}
_HTTP_EXTRA_TYPES: dict[str, Any] = {
    "concurrency": int,
    "min_interval": float,
    "cache_path": str | bool | None,
}
_HTTP_EXTRA_KEYS = set(_HTTP_EXTRA_TYPES)


HINT = "Fix the sources file (the keys each source reads are in the README), then re-run."
_EMPTY = "list the sources to collect under 'sources:' (see the shipped sources.yaml)"


class ConfigError(ConfigFileValueError):
    """``sources.yaml`` cannot be used; ``problems`` holds one ``file:line: where: what to do`` each.

    A :class:`~skillpulse.errors.ConfigFileError` (the CLI prints it and exits 2) and a ``ValueError``.
    """

    def __init__(self, problems: list[str], hint: str | None = HINT) -> None:
        super().__init__(problems, hint)


def _unknown(path: Path, line: int, where: str, key: str, known: set[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1)
    hint = f" — did you mean '{close[0]}'?" if close else ""
    return f"{path}:{line}: {where}: unknown key '{key}'{hint} Known: {', '.join(sorted(known)) or 'none'}."


def _mapping(node: yaml.Node | None) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
    return list(node.value) if isinstance(node, yaml.MappingNode) else []


def _check_keys(path: Path, where: str, node: yaml.Node, types: dict[str, Any], values: Any) -> list[str]:
    """Unknown keys (with a did-you-mean) and values of the wrong type, one ``file:line`` each."""
    problems = []
    values = values if isinstance(values, dict) else {}
    for k, _ in _mapping(node):
        line = k.start_mark.line + 1
        if k.value not in types:
            problems.append(_unknown(path, line, where, k.value, set(types)))
            continue
        try:
            coerce(types[k.value], values.get(k.value))
        except OptionError as exc:
            problems.append(f"{path}:{line}: {where}.{k.value}: {exc}.")
    return problems


def check_config(path: Path, text: str) -> list[str]:
    """Every key of ``sources.yaml`` that nothing reads, and every value of the wrong type, with its file
    and line: a typo ("bords") would otherwise be ignored and the source would quietly collect nothing;
    ``months_back: abc`` would fail mid-run, far from its line."""
    return _checked(path, text)[1]


def _checked(path: Path, text: str) -> tuple[Any, list[str]]:
    """The file's data (parsed once) and its problems; the data is only to be used when there are none."""
    from skillpulse.flows.sources import LIVE_SOURCES

    data, _lines, parse_problems = parse_yaml(Path(path), text, _EMPTY)
    if parse_problems:
        return data, [str(p) for p in parse_problems]
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # checked: no bomb
    if not isinstance(root, yaml.MappingNode):
        return data, [f"{path}:{root.start_mark.line + 1}: expected a mapping with 'sources' (and 'http')."]
    problems = []
    http_types = {
        k: v for k, v in option_types(FetchSettings).items() if k not in ("default_policy", "cache_path")
    }
    http_types |= _HTTP_EXTRA_TYPES
    for key, value in _mapping(root):
        line = key.start_mark.line + 1
        if key.value not in _TOP_KEYS:
            problems.append(_unknown(path, line, "top level", key.value, _TOP_KEYS))
        elif key.value == "http":
            problems += _check_keys(path, "http", value, http_types, data.get("http"))
        elif key.value == "batch_size":
            try:
                coerce(int, data.get("batch_size"))
            except OptionError as exc:
                problems.append(f"{path}:{line}: batch_size: {exc}.")
        elif key.value == "sources":
            entries = data.get("sources") if isinstance(data.get("sources"), dict) else {}
            for name, entry in _mapping(value):
                if name.value not in LIVE_SOURCES:
                    problems.append(
                        _unknown(path, name.start_mark.line + 1, "sources", name.value, set(LIVE_SOURCES))
                    )
                    continue
                types = _COMMON_TYPES | option_types(LIVE_SOURCES[name.value].Options)
                problems += _check_keys(path, f"sources.{name.value}", entry, types, entries.get(name.value))
    return data, problems


@dataclass
class SourceConfig:
    name: str
    enabled: bool = True
    base_url: str | None = None
    concurrency: int | None = None
    min_interval: float | None = None
    options: dict[str, Any] = field(default_factory=dict)
    discovered: dict[str, str] | None = None

    def get(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)

    def as_list(self, key: str) -> list[Any]:
        value = self.options.get(key) or []
        return list(value) if isinstance(value, list | tuple) else [value]


@dataclass
class CollectConfig:
    http: FetchSettings
    sources: dict[str, SourceConfig]
    batch_size: int = 500

    def source(self, name: str) -> SourceConfig:
        return self.sources.get(name) or SourceConfig(name, enabled=False)


def _fetch_settings(raw: dict[str, Any]) -> FetchSettings:
    known = {f.name for f in fields(FetchSettings)}
    values = {k: v for k, v in raw.items() if k in known and k not in ("default_policy", "cache_path")}
    settings = FetchSettings(**values)
    if "concurrency" in raw or "min_interval" in raw:
        settings.default_policy = HostPolicy(
            int(raw.get("concurrency", settings.default_policy.concurrency)),
            float(raw.get("min_interval", settings.default_policy.min_interval)),
        )
    cache = raw.get("cache_path", "default")
    if cache in (None, False, "none", "off"):
        settings.cache_path = None
    elif cache == "default":
        settings.cache_path = data_dir() / "http_cache.sqlite"
    else:
        settings.cache_path = Path(cache)
    settings.contact = os.environ.get("SKILLPULSE_CONTACT", settings.contact)
    return settings


def parse_config(raw: dict[str, Any] | None) -> CollectConfig:
    raw = raw or {}
    sources: dict[str, SourceConfig] = {}
    for name, entry in (raw.get("sources") or {}).items():
        entry = dict(entry or {})
        sources[name] = SourceConfig(
            name=name,
            enabled=bool(entry.get("enabled", True)),
            base_url=entry.get("base_url"),
            concurrency=entry.get("concurrency"),
            min_interval=entry.get("min_interval"),
            options={k: v for k, v in entry.items() if k not in _COMMON_KEYS},
            discovered=entry.get("discovered"),
        )
    return CollectConfig(
        http=_fetch_settings(dict(raw.get("http") or {})),
        sources=sources,
        batch_size=int(raw.get("batch_size", 500)),
    )


def load_config(path: Path | str | None = None) -> CollectConfig:
    """Read ``sources.yaml`` (the shipped one unless ``path``); the shipped file missing means no live
    sources, but a path given explicitly must be a readable file.

    Raises :class:`ConfigError` listing every problem with its line, before anything is fetched.
    """
    if not path and not DEFAULT_CONFIG_PATH.exists():
        return parse_config({})
    path = Path(path) if path else DEFAULT_CONFIG_PATH
    raw, problem = read_bytes(path)
    text, problem = decode(path, raw) if raw is not None else (None, problem)
    if problem:
        raise ConfigError([str(problem)])
    data, problems = _checked(path, text)
    if problems:
        raise ConfigError(problems)
    return parse_config(data)
