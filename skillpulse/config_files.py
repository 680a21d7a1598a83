"""The one loader for skillpulse's configuration files: taxonomy, roles, claims, sources, company map.

Why one loader: these files are the user's interface, and a hostile or careless one used to crash a run
with a traceback (a syntax error, a ``!!python/object`` tag, a number where a list belongs), hang it (a
"billion laughs" YAML bomb, a named pipe given as the path) or be read as nothing at all (an empty file, a
misspelt key). Every file read here gets the same guards, and every problem comes back as one line
``file:line: entry 'x': what is wrong and what to write`` (:class:`Problem`):

* **the file itself**: a regular file (a directory, pipe or device is refused before it is opened), at most
  :data:`MAX_BYTES`, UTF-8 (a UTF-16/32 file with a byte-order mark is decoded too); a bad byte is
  reported at its line;
* **YAML**: composed with the safe loader, then checked node by node before any Python object is built:
  only the standard YAML tags (no ``!!python/...``), nesting at most :data:`MAX_DEPTH` deep, no key twice
  in a mapping, keys are text, numbers at most :data:`MAX_NUMBER_CHARS` long;
* **aliases**: the composed node graph shares an anchored node among its aliases, so measuring it with
  every alias counted at its full size is cheap (each node is sized once). A document whose aliases
  would add more than :data:`MAX_ALIAS_EXPANSION` values, or an alias inside its own anchor (a cycle),
  is refused before anything walks it;
* **shape**: :func:`schema_problems` validates against the file's JSON Schema and maps each error back
  to the line of the node at fault (unknown keys at the key's line, with a did-you-mean);
* **regexes** written by the user: :func:`regex_problem` (see its docstring).

:func:`load_yaml` raises :class:`ConfigFileValueError` (a :class:`~skillpulse.errors.ConfigFileError`, so
the CLI prints one line per problem and exits 2; also a ``ValueError``, what callers caught before).
"""

from __future__ import annotations

import codecs
import difflib
import functools
import json
import logging
import os
import re
import signal
import stat
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from skillpulse.errors import ConfigFileError

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
MAX_ALIAS_EXPANSION = 100_000
MAX_NUMBER_CHARS = 100
MAX_PROBLEMS = 100  # a file broken on every line is reported by its first hundred problems
_YAML_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp", "merge")
}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_IS_DIR = "is a directory, not a file: give the path of the YAML file in it"


class ConfigFileValueError(ConfigFileError, ValueError):
    """A configuration file that cannot be used; ``problems`` are its lines, ``located`` the same as
    :class:`Problem` objects (file, line, entry) for callers that sort or filter them."""

    def __init__(self, problems: list[str], hint: str | None = None, located: list[Problem] | None = None):
        if len(problems) > MAX_PROBLEMS and located:
            hidden = len(problems) - MAX_PROBLEMS
            problems = [*problems[:MAX_PROBLEMS], f"{located[0].file}: … and {hidden} more problems"]
        super().__init__(problems, hint)
        self.located = located or []


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a configuration file, located for its author (line 0: the whole file)."""

    file: str
    line: int
    entry: str | None
    message: str
    label: str = field(default="entry", compare=False)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        if not self.entry:
            what = ""
        elif self.label == "entry":  # a taxonomy entry by its id: entry 'python'
            what = f"entry '{self.entry}': "
        else:  # a rule by number and family, a claim by id: rule 3 (ml_engineer), claim 'salary-120k'
            what = f"{self.label} {self.entry}: "
        return f"{where}{what}{self.message}"


@dataclass
class Document:
    """A configuration file read and checked: its bytes, its data, and the line of every value and key.

    ``lines`` maps a path of keys and list indexes to the 1-based line of its value; ``(*path, ("key",
    k))`` to the line of the key ``k`` itself.
    """

    path: Path
    raw: bytes
    data: Any
    lines: dict[tuple, int]

    def line(self, path: tuple) -> int:
        """The line of ``path``, or of its nearest located ancestor."""
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def key_line(self, path: tuple, key: str) -> int:
        """The line of key ``key`` in the mapping at ``path``."""
        return self.lines.get((*path, ("key", key))) or self.line(path)


# --------------------------------------------------------------------------- reading


def read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> tuple[bytes | None, Problem | None]:
    """The file's bytes, or the one problem that stops it being read.

    Opened without blocking and checked after opening (``fstat``), so a named pipe or a device put where
    the file should be is refused instead of read forever, even if it replaced the file a moment ago.
    """
    f = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None, Problem(f, 0, None, "no such file: check the path (or leave the option out)")
    except OSError as exc:
        if os.path.isdir(path):  # Windows cannot open a directory at all
            return None, Problem(f, 0, None, _IS_DIR)
        return None, Problem(f, 0, None, f"cannot read: {exc.strerror or exc}")
    st = os.fstat(fd)
    too_big = Problem(f, 0, None, f"is larger than {max_bytes // 2**20} MB: give the configuration file")
    refused = None
    if stat.S_ISDIR(st.st_mode):
        refused = Problem(f, 0, None, _IS_DIR)
    elif not stat.S_ISREG(st.st_mode):
        refused = Problem(f, 0, None, "is not a regular file (a pipe or device): give a YAML file")
    elif st.st_size > max_bytes:
        refused = too_big
    if refused:
        os.close(fd)
        return None, refused
    with os.fdopen(fd, "rb") as handle:
        try:
            raw = handle.read(max_bytes + 1)
        except OSError as exc:
            return None, Problem(f, 0, None, f"cannot read: {exc.strerror or exc}")
    return (None, too_big) if len(raw) > max_bytes else (raw, None)


def decode(path: Path, raw: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 text (a byte-order mark selects UTF-8/16/32); a bad byte is reported at its line."""
    encoding = "utf-8"
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            encoding = name
            break
    try:
        return raw.decode(encoding), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 1].hex()
        return None, Problem(
            str(path), line, None, f"not UTF-8 (byte 0x{bad} at this line): save the file as UTF-8"
        )


def parse_yaml(path: Path, text: str, empty: str = "write its settings") -> tuple[Any, dict, list[Problem]]:
    """``text`` as data with the line of every value, or the problems that stop it being read.

    Nothing is built from the YAML before :func:`_graph_problems` has checked its tags, depth, keys and
    alias expansion.
    """
    f = str(path)
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except (yaml.YAMLError, RecursionError) as exc:
            return None, {}, [_yaml_problem(f, text, exc)]
        if node is None:
            return None, {}, [Problem(f, 0, None, f"is empty: {empty}")]
        problems = _graph_problems(f, node)
        if problems:
            return None, {}, problems
        try:
            data = loader.construct_document(node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
            return None, {}, [_yaml_problem(f, text, exc)]
    finally:
        loader.dispose()
    return data, _lines(node), []


def read_yaml(path: Path | str, empty: str = "write its settings") -> tuple[Document | None, list[Problem]]:
    """Read, decode and parse ``path`` with every guard above; ``(None, problems)`` if it cannot be used."""
    path = Path(path)
    raw, problem = read_bytes(path)
    if problem:
        return None, [problem]
    text, problem = decode(path, raw)
    if problem:
        return None, [problem]
    data, lines, problems = parse_yaml(path, text, empty)
    if problems:
        return None, problems
    return Document(path, raw, data, lines), []


def refuse(problems: Iterable[Problem], hint: str, error: type[ConfigFileValueError] | None = None):
    """Raise ``error`` (default :class:`ConfigFileValueError`) listing ``problems`` in line order."""
    ordered = sorted(set(problems), key=lambda p: (p.file, p.line, p.message))
    raise (error or ConfigFileValueError)([str(p) for p in ordered], hint, ordered)


def load_yaml(path: Path | str, hint: str, empty: str = "write its settings") -> Document:
    """:func:`read_yaml`, raising :class:`ConfigFileValueError` with ``hint`` when the file cannot be used."""
    doc, problems = read_yaml(path, empty)
    if problems:
        refuse(problems, hint)
    return doc


def _yaml_problem(f: str, text: str, exc: BaseException) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        line = mark.line + 1
    elif isinstance(getattr(exc, "position", None), int):  # a ReaderError: a character YAML refuses
        line = text[: exc.position].count("\n") + 1
    else:
        line = 0
    if isinstance(exc, RecursionError):
        what = f"nested too deeply (more than {MAX_DEPTH} levels): flatten it"
    elif isinstance(exc, yaml.YAMLError):
        detail = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        what = f"not valid YAML: {detail}" + (f" ({context})" if context else "") + ": fix the syntax here"
    else:
        what = f"a value cannot be read ({exc}): write a plain value"
    return Problem(f, line, None, what)


# --------------------------------------------------------------------------- the composed node graph


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _shown_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML_TAG) :] if tag.startswith(_YAML_TAG) else tag


def _graph_problems(f: str, root: yaml.Node) -> list[Problem]:
    """Tags, keys and numbers of every distinct node, then the size and depth with aliases expanded."""
    problems: list[Problem] = []
    seen: set[int] = set()
    todo = [root]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        problems += _node_problems(f, node)
        if len(problems) >= MAX_PROBLEMS:
            break
        todo.extend(_children(node))
    if problems:
        return problems
    return _expansion_problems(f, root, len(seen))


def _node_problems(f: str, node: yaml.Node) -> list[Problem]:
    """One node: a tag that is not plain YAML, a duplicate or non-text key, a number too long to read."""
    problems = []
    if node.tag not in _ALLOWED_TAGS:
        problems.append(
            Problem(f, _line(node), None, f"tag '{_shown_tag(node.tag)}' is not allowed: write a plain value")
        )
    elif _too_long_number(node):
        problems.append(
            Problem(
                f,
                _line(node),
                None,
                f"number of {len(node.value)} characters: write at most {MAX_NUMBER_CHARS} "
                "(or quote it if it is text)",
            )
        )
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key, _value in node.value:
            if key.tag == _YAML_TAG + "merge":
                continue
            if not isinstance(key, yaml.ScalarNode) or key.tag != _YAML_TAG + "str":
                shown = key.value if isinstance(key, yaml.ScalarNode) else "a list or mapping"
                problems.append(
                    Problem(f, _line(key), None, f"key {shown!r} is not text: write it in quotes")
                )
            elif key.value in first:
                problems.append(
                    Problem(
                        f,
                        _line(key),
                        None,
                        f"key '{key.value}' appears twice in this mapping (first at line "
                        f"{first[key.value]}): keep one",
                    )
                )
            else:
                first[key.value] = _line(key)
    return problems


def _too_long_number(node: yaml.Node) -> bool:
    """Python refuses to read an integer of more than 4,300 digits; no setting needs 100."""
    numeric = node.tag in (_YAML_TAG + "int", _YAML_TAG + "float")
    return isinstance(node, yaml.ScalarNode) and numeric and len(node.value) > MAX_NUMBER_CHARS


def _expansion_problems(f: str, root: yaml.Node, distinct: int) -> list[Problem]:
    """Size and height of the document with every alias expanded, each node measured once (post-order).

    A YAML bomb is a few hundred bytes whose aliases expand to billions of values; a cycle (an alias
    inside its own anchor) expands forever. Both are refused here, before anything walks the data.
    """
    limit = distinct + MAX_ALIAS_EXPANSION
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        kids = _children(node)
        if done:
            open_.discard(key)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            height[key] = 1 + max((height[id(k)] for k in kids), default=0)
            if size[key] > limit:
                return [
                    Problem(
                        f,
                        _line(node),
                        None,
                        f"aliases (*name) here expand to more than {MAX_ALIAS_EXPANSION:,} values (a YAML "
                        "bomb?): write the values out instead of repeating anchors",
                    )
                ]
            if height[key] > MAX_DEPTH:
                return [
                    Problem(f, _line(node), None, f"nested more than {MAX_DEPTH} levels deep: flatten it")
                ]
            continue
        if key in size:
            continue
        open_.add(key)
        stack.append((node, True))
        for kid in kids:
            if id(kid) in open_:
                return [
                    Problem(
                        f,
                        _line(kid),
                        None,
                        "an alias (*name) refers to the anchor (&name) it is inside, so it never ends: "
                        "write the values out",
                    )
                ]
            if id(kid) not in size:
                stack.append((kid, False))
    return []


def _lines(root: yaml.Node) -> dict[tuple, int]:
    """Map each value's path (keys and list indexes) to its 1-based line; ``("key", k)`` to a key's."""
    out: dict[tuple, int] = {}
    todo: list[tuple[yaml.Node, tuple]] = [(root, ())]
    while todo:
        node, path = todo.pop()
        out[path] = _line(node)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    out[(*path, ("key", key.value))] = _line(key)
                    todo.append((value, (*path, key.value)))
        elif isinstance(node, yaml.SequenceNode):
            todo.extend((item, (*path, i)) for i, item in enumerate(node.value))
    return out


# --------------------------------------------------------------------------- JSON Schema, mapped to lines

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping (key: value)",
    "null": "nothing",
}
Entry = Callable[[tuple], "tuple[str, str, int] | None"]


def load_schema(path: Path) -> dict:
    """A JSON Schema shipped beside the configuration files."""
    return json.loads(path.read_text(encoding="utf-8"))


def shown(value: Any, limit: int = 60) -> str:
    """A value as the user wrote it, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def field_name(path: Iterable[Any]) -> str:
    """``skills[3].context.before`` for a path of keys and indexes."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def did_you_mean(key: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1)
    return f" — did you mean '{close[0]}'?" if close else ""


def schema_problems(doc: Document, schema: dict, entry: Entry | None = None) -> list[Problem]:
    """Every JSON Schema error in ``doc`` as a located problem.

    ``entry(path)`` names the entry a path falls in as ``(label, name, depth)`` (a rule, a claim, a skill:
    ``depth`` path items belong to it), so messages read ``entry 'python': 'parents': expected a list``.
    """
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    problems: list[Problem] = []
    for err in validator.iter_errors(doc.data):
        problems += _error_problems(doc, err, entry)
    return problems


def _error_problems(doc: Document, err: Any, entry: Entry | None) -> list[Problem]:
    import jsonschema

    if err.validator in ("oneOf", "anyOf") and err.context:
        deepest = max(err.context, key=lambda e: len(e.absolute_path))
        if len(deepest.absolute_path) > len(err.absolute_path):
            return _error_problems(doc, deepest, entry)
        err = jsonschema.exceptions.best_match(err.context) or err
    path = tuple(err.absolute_path)
    named = entry(path) if entry else None
    label, name, depth = named if named else ("entry", None, 0)
    field_ = field_name(path[depth:])
    where = f"'{field_}': " if field_ else ""

    def at(line: int, message: str) -> Problem:
        return Problem(str(doc.path), line, name, message, label)

    if err.validator == "additionalProperties" and err.validator_value is False:
        known = set(err.schema.get("properties", {}))
        patterns = [re.compile(p) for p in err.schema.get("patternProperties", {})]
        extra = [k for k in err.instance if k not in known and not any(p.search(str(k)) for p in patterns)]
        return [
            at(
                doc.key_line(path, k),
                f"{where}unknown key '{k}'{did_you_mean(str(k), known) or '.'} "
                f"Allowed: {', '.join(sorted(known))}.",
            )
            for k in extra
        ]
    if err.validator == "required":
        missing = [k for k in err.validator_value if isinstance(err.instance, dict) and k not in err.instance]
        if missing:
            return [at(doc.line(path), f"{where}missing key '{k}': add it") for k in missing]
    if "propertyNames" in err.absolute_schema_path:  # a key of the wrong form: at the key's line
        key = str(err.instance)
        return [at(doc.key_line(path, key), f"{where}key '{key}' is not allowed here: {err.message}")]
    if err.validator == "type":
        wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in wanted)
        return [at(doc.line(path), f"{where}expected {words}, got {shown(err.instance)}")]
    if err.validator == "enum":
        choices = ", ".join(str(c) for c in err.validator_value)
        return [at(doc.line(path), f"{where}{shown(err.instance)} is not one of: {choices}")]
    if err.validator == "minItems" and err.validator_value == 1:
        return [at(doc.line(path), f"{where}is empty: give at least one")]
    message = err.message if len(err.message) <= 200 else err.message[:197] + "..."
    return [at(doc.line(path), f"{where}{message}")]


def as_list(value: Any) -> list:
    """``value`` if it is a list, else empty: semantic checks run on data whose shape the schema refused."""
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict:
    """``value`` if it is a mapping, else empty (see :func:`as_list`)."""
    return value if isinstance(value, dict) else {}


# --------------------------------------------------------------------------- user regexes

REGEX_CPU_S = 3  # CPU seconds a trial may use: a limit the machine's load cannot trip (unlike wall time)
REGEX_WALL_S = 60.0  # and a wall-clock backstop where CPU limits are not available
FULL_TEXT = 3000
_KILLERS = ("!", "\n", "\x00")


@dataclass(frozen=True)
class UserRegex:
    """A regex from a configuration file: where it is, and the longest text it is ever applied to."""

    pattern: str
    flags: int = 0
    max_text: int = FULL_TEXT  # a context rule sees a window of the posting, not all of it


def regex_problems(regexes: list[UserRegex]) -> list[str | None]:
    """:func:`regex_problem` for each regex (the timed trials run side by side)."""
    from concurrent.futures import ThreadPoolExecutor

    if not regexes:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(regexes))) as pool:
        return list(pool.map(lambda r: regex_problem(r.pattern, r.flags, r.max_text), regexes))


def regex_problem(pattern: str, flags: int = 0, max_text: int = FULL_TEXT) -> str | None:
    """Why ``pattern`` cannot be used (it does not compile, or it can backtrack catastrophically), or None.

    Python's ``re`` backtracks, so a pattern such as ``(a+)+$`` takes exponential time on ``"aaaa…!"``
    and one hostile posting would hang every later run. The check is two steps, kept simple:

    1. **Static suspicion** (cheap, in-process, on the tree of the stdlib's own parser ``re._parser``,
       private but stable since Python 3.11): the pattern has a repeat that can run long
       (``*``, ``+``, ``{n,}`` or ``{n,m}`` with m ≥ 10) whose body holds another repeat (``+``, ``*``,
       ``{2,}``…) or an alternation ``a|b``: the shapes behind catastrophic backtracking. Most such
       patterns are fine (``(?:\\d+\\.)+`` is linear because the dot separates the numbers), so:
    2. **A timed trial** for the suspects only: the pattern is searched, in a child process stopped after
       :data:`REGEX_CPU_S` seconds of CPU time (so a busy machine does not make a good pattern look
       slow), over strings of ``max_text`` characters (the longest text it is applied
       to: a whole posting, or the 80-character window a context rule sees) that repeat what the suspect
       repeat's body matches and end in a character that makes the match fail: the input on which a
       backtracking engine tries every split. A pattern still running at the deadline is refused.

    The trial is a heuristic: it builds its inputs from the pattern's shortest matches, so an ambiguity
    that needs longer pieces (``(?:\\w+,|or)*`` fed ``"ororor…"``) can slip through. Results are cached per
    pattern; where no child process can start, step 2 is skipped (and logged).
    """
    try:
        re.compile(pattern, flags)
    except (re.error, OverflowError, RecursionError, ValueError) as exc:
        return f"does not compile ({exc}): fix the regex"
    return _backtracking_problem(pattern, flags, max_text)


@functools.lru_cache(maxsize=4096)
def _backtracking_problem(pattern: str, flags: int, max_text: int) -> str | None:
    try:
        trials = _trial_strings(pattern, flags, max_text)
    except (re.error, RecursionError, ValueError):
        return None
    if not trials:
        return None
    job = {"pattern": pattern, "flags": flags, "texts": trials, "cpu": REGEX_CPU_S}
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _TRIAL],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            timeout=REGEX_WALL_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        done = None
    except OSError as exc:
        log.warning("regex trial skipped (no child process: %s) for %r", exc, pattern)
        return None
    stopped = {-getattr(signal, name) for name in ("SIGXCPU", "SIGKILL") if hasattr(signal, name)}
    if done is not None and done.returncode not in stopped:
        if done.returncode:
            log.warning("regex trial failed for %r: %s", pattern, done.stderr[-500:])
        return None
    return (
        "can backtrack catastrophically (a repeat inside a repeat, or overlapping alternatives under a "
        f"repeat: a {max_text:,}-character trial did not finish in {REGEX_CPU_S} s): rewrite it so each "
        "piece of text can match only one way, e.g. '(a+)+' -> 'a+', '(a|ab)*' -> '(ab?)*'"
    )


_TRIAL = """
import json, re, sys
job = json.load(sys.stdin)
try:
    import resource
    resource.setrlimit(resource.RLIMIT_CPU, (job["cpu"], job["cpu"] + 1))
except (ImportError, ValueError, OSError):
    pass
rx = re.compile(job["pattern"], job["flags"])
for text in job["texts"]:
    rx.search(text)
"""


def _trial_strings(pattern: str, flags: int, max_text: int) -> list[str]:
    """Inputs of about ``max_text`` characters that pump each suspect repeat; none without a suspect."""
    from re import _constants as c
    from re import _parser as sre

    tree = sre.parse(pattern, flags)
    out: list[str] = []
    for _op, av in _suspects(tree, c):
        pumped, _hit = _example(tree, c, target=av, length=max_text - 1)
        out += [pumped[: max_text - 1] + k for k in _KILLERS]
    return out


def _parts(op: Any, av: Any, c: Any) -> list[Any]:
    """The sub-sequences of one parsed regex item."""
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        return [av[2]]
    if op is c.SUBPATTERN:
        return [av[3]]
    if op is c.ATOMIC_GROUP:
        return [av]
    if op is c.BRANCH:
        return list(av[1])
    if op in (c.ASSERT, c.ASSERT_NOT):
        return [av[1]]
    if op is c.GROUPREF_EXISTS:
        return [x for x in av[1:] if x is not None]
    return []


def _items(seq: Any, c: Any) -> Iterator[tuple[Any, Any]]:
    for op, av in seq:
        yield op, av
        for part in _parts(op, av, c):
            yield from _items(part, c)


def _suspects(tree: Any, c: Any) -> list[tuple[Any, Any]]:
    """Long-running repeats whose body holds another repeat or an alternation (possessive ones cannot
    backtrack, so they are not suspect)."""
    found = []
    for op, av in _items(tree, c):
        long_running = op in (c.MAX_REPEAT, c.MIN_REPEAT) and (av[1] == c.MAXREPEAT or av[1] >= 10)
        if long_running and any(
            (op2 in (c.MAX_REPEAT, c.MIN_REPEAT) and av2[1] > 1) or op2 is c.BRANCH
            for op2, av2 in _items(av[2], c)
        ):
            found.append((op, av))
    return found


def _example(seq: Any, c: Any, target: Any = None, length: int = 0) -> tuple[str, bool]:
    """A short string the parsed ``seq`` matches: repeats at their minimum, first alternatives.

    With ``target`` (a suspect repeat), the string stops there: what leads up to it, then its body
    repeated up to ``length`` characters in all; ``True`` says the target was reached.
    """
    out: list[str] = []
    for op, av in seq:
        if target is not None and av is target:
            body = _example(av[2], c)[0] or "a"
            room = length - len("".join(out))
            out.append(body * max(1, room // len(body)))
            return "".join(out), True
        if op is c.LITERAL:
            out.append(chr(av))
        elif op in (c.NOT_LITERAL, c.ANY):
            out.append("b" if av == ord("a") else "a")
        elif op is c.IN:
            out.append(_in_example(av, c))
        elif op is c.ASSERT_NOT:
            continue
        else:
            parts = _parts(op, av, c)
            for part in parts:
                text, hit = _example(part, c, target, length - len("".join(out)))
                if hit:
                    out.append(text)
                    return "".join(out), True
            if parts:
                first = _example(parts[0], c)[0]
                repeat = op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT)
                out.append(first * min(av[0], 50) if repeat else first)
    return "".join(out), False


def _in_example(items: Any, c: Any) -> str:
    """A character in the class ``items`` (or outside it, for ``[^...]``)."""
    negate = any(op is c.NEGATE for op, _ in items)
    for ch in "a0 _-.,A!\t\u00e9":
        if _in_class(ch, items, c) != negate:
            return ch
    return "a"


def _in_class(ch: str, items: Any, c: Any) -> bool:
    o = ord(ch)
    tests = {
        c.CATEGORY_DIGIT: str.isdigit,
        c.CATEGORY_NOT_DIGIT: lambda x: not x.isdigit(),
        c.CATEGORY_SPACE: str.isspace,
        c.CATEGORY_NOT_SPACE: lambda x: not x.isspace(),
        c.CATEGORY_WORD: lambda x: x.isalnum() or x == "_",
        c.CATEGORY_NOT_WORD: lambda x: not (x.isalnum() or x == "_"),
    }
    for op, av in items:
        if (op is c.LITERAL and av == o) or (op is c.RANGE and av[0] <= o <= av[1]):
            return True
        if op is c.CATEGORY and av in tests and tests[av](ch):
            return True
    return False
