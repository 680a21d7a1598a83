"""Hostile configuration files (issue 14, part *config*): every one is refused with ``file:line`` lines.

The four files a user edits (skills taxonomy, roles, claims, sources) are read through one safe loader.
Each case below writes a broken or hostile file and calls the function skillpulse itself uses to read
it; the refusal must be a :class:`skillpulse.errors.ConfigFileError` whose problems are single lines
starting with the file (and, where a line is at fault, its line number). Cases that could hang or eat
memory (YAML bombs, catastrophic regexes, a named pipe) run in a child process with a deadline and a
memory cap, so a regression fails the test instead of stalling the suite.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from skillpulse.errors import ConfigFileError

PACKAGE = Path(__import__("skillpulse").__file__).resolve().parent

TAXONOMY = """\
version: 2
skills:
  - id: python
    name: Python
    category: language
    aliases: [python, py3]
    parents: [programming]
  - id: go
    name: Go
    category: language
    case_sensitive: [Go]
    ambiguous: [Go]
    context:
      before: ['\\bin\\s+$']
groups:
  - id: programming
    name: Programming
"""

ROLES = """\
version: 2
macros:
  eng: '(?:engineers?|developers?)\\b'
rules:
  - family: ml_engineer
    patterns:
      - 'machine learning {eng}'
    match: [Machine Learning Engineer]
    no_match: [Data Scientist]
"""

CLAIMS = (PACKAGE / "claims.yaml").read_text(encoding="utf-8")

SOURCES = """\
http:
  retries: 2
sources:
  greenhouse:
    boards: [anthropic]
    pay_details: false
  hn:
    months_back: 3
"""

NAMES = {
    "taxonomy": "skills_taxonomy.yaml",
    "roles": "roles.yaml",
    "claims": "claims.yaml",
    "sources": "sources.yaml",
}
GOOD = {"taxonomy": TAXONOMY, "roles": ROLES, "claims": CLAIMS, "sources": SOURCES}
KINDS = list(NAMES)

# Where a hostile value goes in each file: (text to replace, its replacement with {value}), the line of
# the value in the result.
SLOT = {
    "taxonomy": ("    aliases: [python, py3]", "    aliases: {value}", 6),
    "roles": ("    match: [Machine Learning Engineer]", "    match: {value}", 8),
    "claims": ("rare_share: 0.05", "rare_share: {value}", 11),
    "sources": ("    boards: [anthropic]", "    boards: {value}", 5),
}


def _load_taxonomy(path: Path):
    from skillpulse.extractors.taxonomy import load_taxonomy

    return load_taxonomy(Path(path))


def _load_roles(path: Path):
    from skillpulse.extractors.roles import load_roles

    return load_roles(Path(path))


def _load_claims(path: Path):
    from skillpulse.reports.claims import EVALUATORS
    from skillpulse.reports.claims.base import load_claims

    return load_claims(Path(path), set(EVALUATORS))


def _load_sources(path: Path):
    from skillpulse.flows.sources.config import load_config

    return load_config(Path(path))


LOADERS: dict[str, Callable[[Path], object]] = {
    "taxonomy": _load_taxonomy,
    "roles": _load_roles,
    "claims": _load_claims,
    "sources": _load_sources,
}


def write(tmp_path: Path, kind: str, content: str | bytes) -> Path:
    path = tmp_path / NAMES[kind]
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def placed(kind: str, value: str) -> str:
    """The good file with ``value`` written at the kind's slot."""
    old, new, _line = SLOT[kind]
    assert old in GOOD[kind]
    return GOOD[kind].replace(old, new.format(value=value), 1)


def assert_lines(path: Path, problems: list[str], line: int | None = None, *needles: str) -> None:
    """Every problem is one line starting ``file:line: `` (or ``file: `` for the whole file)."""
    assert problems, "refused without saying why"
    head = re.compile(re.escape(str(path)) + r":(\d+:)? \S")
    for p in problems:
        assert "\n" not in p and head.match(p), p
    if line is not None:
        assert any(p.startswith(f"{path}:{line}: ") for p in problems), problems
    text = " | ".join(problems)
    for needle in needles:
        assert needle.lower() in text.lower(), (needle, problems)


def refused(kind: str, path: Path, line: int | None = None, *needles: str) -> list[str]:
    with pytest.raises(ConfigFileError) as info:
        LOADERS[kind](path)
    assert_lines(path, info.value.problems, line, *needles)
    return info.value.problems


CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
sys.path.insert(0, sys.argv[3])
from test_hostile_config import LOADERS
from skillpulse.errors import ConfigFileError
try:
    LOADERS[sys.argv[1]](sys.argv[2])
except ConfigFileError as exc:
    print(json.dumps({"problems": exc.problems}))
else:
    print(json.dumps({"loaded": True}))
"""


def refused_in_child(kind: str, path: Path, line: int | None = None, *needles: str, within: float = 30):
    """The loader run in a child process with a deadline and a 3 GB memory cap: a hang or a blow-up
    fails the case instead of the suite."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, kind, str(path), str(Path(__file__).parent)],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"loading {path.name} hung for 60 s")
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "problems" in result, f"{path.name} was accepted"
    assert_lines(path, result["problems"], line, *needles)
    assert took < within, f"took {took:.1f} s"
    return result["problems"]


def laughs(levels: int = 9) -> str:
    """A billion-laughs value in one flow list: each level repeats the one before it nine times."""
    items = ["&b0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels + 1):
        items.append(f"&b{i} [" + ", ".join([f"*b{i - 1}"] * 9) + "]")
    return "[" + ", ".join(items) + "]"


# =========================================================================== every file, every kind of harm


@pytest.mark.parametrize("kind", KINDS)
def test_the_shipped_file_and_the_good_sample_load(kind, tmp_path):
    """Guard: what the cases below mutate is itself accepted."""
    LOADERS[kind](write(tmp_path, kind, GOOD[kind]))
    LOADERS[kind](PACKAGE / NAMES[kind])


@pytest.mark.parametrize("kind", KINDS)
def test_yaml_syntax_error_is_one_line_at_its_line(kind, tmp_path):
    _old, _new, line = SLOT[kind]
    path = write(tmp_path, kind, placed(kind, "[unclosed, list"))
    problems = refused(kind, path, None, "not valid YAML")
    assert any(int(p.split(":")[1]) >= line for p in problems), problems


@pytest.mark.parametrize("kind", KINDS)
def test_a_python_tag_is_refused_and_never_run(kind, tmp_path):
    marker = tmp_path / "pwned"
    _old, _new, line = SLOT[kind]
    value = f'!!python/object/apply:os.system ["touch {marker}"]'
    path = write(tmp_path, kind, placed(kind, value))
    refused(kind, path, line, "python/object")
    assert not marker.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_yaml_bomb_is_refused_quickly(kind, tmp_path):
    path = write(tmp_path, kind, placed(kind, laughs()))
    refused_in_child(kind, path, None, "alias")


@pytest.mark.parametrize("kind", KINDS)
def test_a_self_referencing_alias_is_refused(kind, tmp_path):
    path = write(tmp_path, kind, placed(kind, "&loop [a, *loop]"))
    refused_in_child(kind, path, SLOT[kind][2], "alias")


@pytest.mark.parametrize("kind", KINDS)
def test_a_very_deep_nesting_is_refused(kind, tmp_path):
    path = write(tmp_path, kind, placed(kind, "[" * 900 + "]" * 900))
    refused_in_child(kind, path, SLOT[kind][2], "deep")


WRONG_TYPE = {
    # a nested key holding a value of the wrong shape; line of the value; a word the message must carry
    "taxonomy": ("    parents: [programming]", "    parents: 5", 7, "parents"),
    "roles": ("      - 'machine learning {eng}'", "      - 5", 7, "patterns"),
    "claims": ('{label: "2016–2019", from: 2016', '{label: "2016–2019", from: twenty', 18, "from"),
    "sources": ("    months_back: 3", "    months_back: abc", 8, "months_back"),  # guard: typed Options
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_wrong_type_at_a_nested_key_is_named_at_its_line(kind, tmp_path):
    old, new, line, word = WRONG_TYPE[kind]
    assert old in GOOD[kind]
    refused(kind, write(tmp_path, kind, GOOD[kind].replace(old, new, 1)), line, word)


UNKNOWN_KEY = {
    "taxonomy": ("    aliases: [python, py3]", "    aliases: [python, py3]\n    alias: [py]", 7, "alias"),
    "roles": (
        "    no_match: [Data Scientist]",
        "    no_match: [Data Scientist]\n    fallbak: true",
        10,
        "fallbak",
    ),
    "claims": ("    target: 120000", "    targett: 120000", 45, "targett"),
    "sources": ("    boards: [anthropic]", "    bords: [anthropic]", 5, "bords"),  # guard
}


@pytest.mark.parametrize("kind", KINDS)
def test_an_unknown_key_is_refused_at_its_line(kind, tmp_path):
    old, new, line, word = UNKNOWN_KEY[kind]
    assert old in GOOD[kind]
    refused(kind, write(tmp_path, kind, GOOD[kind].replace(old, new, 1)), line, f"unknown key '{word}'")


@pytest.mark.parametrize("kind", KINDS)
def test_an_empty_file_is_refused_not_read_as_nothing(kind, tmp_path):
    refused(kind, write(tmp_path, kind, "# nothing here yet\n"), None, "empty")


@pytest.mark.parametrize("kind", KINDS)
def test_a_directory_is_refused_in_one_line(kind, tmp_path):
    path = tmp_path / NAMES[kind]
    path.mkdir()
    [problem] = refused(kind, path, None, "directory")


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_that_is_not_utf8_names_the_line(kind, tmp_path):
    raw = GOOD[kind].encode("utf-8")
    lines = raw.split(b"\n")
    lines.insert(2, b"# caf\xe9 in Latin-1")
    [problem] = refused(kind, write(tmp_path, kind, b"\n".join(lines)), 3, "UTF-8")


@pytest.mark.parametrize("kind", KINDS)
def test_a_named_pipe_is_refused_not_read_forever(kind, tmp_path):
    path = tmp_path / NAMES[kind]
    os.mkfifo(path)
    refused_in_child(kind, path, None, "not a regular file")


@pytest.mark.parametrize("kind", KINDS)
def test_an_oversized_file_is_refused(kind, tmp_path):
    padding = ("# " + "x" * 98 + "\n") * 60_000  # 6 MB of comments
    refused(kind, write(tmp_path, kind, GOOD[kind] + padding), None, "MB")


@pytest.mark.parametrize("kind", KINDS)
def test_a_number_too_long_to_read_is_refused_at_its_line(kind, tmp_path):
    path = write(tmp_path, kind, placed(kind, "1" * 5000))
    refused(kind, path, SLOT[kind][2], "number")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
@pytest.mark.parametrize("kind", KINDS)
def test_an_unreadable_file_is_refused_in_one_line(kind, tmp_path):
    path = write(tmp_path, kind, GOOD[kind])
    path.chmod(0)
    refused(kind, path, None, "cannot read")


# =========================================================================== catastrophic regexes

CATASTROPHIC = [
    # (kind, text to replace, replacement, line)
    ("taxonomy", "    aliases: [python, py3]", "    aliases: [python]\n    patterns: ['(a+)+$']", 7),
    ("taxonomy", "      before: ['\\bin\\s+$']", "      before: ['(\\w+\\s?)+$']", 14),
    ("taxonomy", "version: 2\n", "version: 2\nexclude: ['(x|x)*y']\n", 2),
    ("roles", "      - 'machine learning {eng}'", "      - '(a|aa)+$'", 7),
    ("roles", "  eng: '(?:engineers?|developers?)\\b'", "  eng: '(\\w+\\s*)+$'", 7),  # through a macro
]


@pytest.mark.parametrize(("kind", "old", "new", "line"), CATASTROPHIC)
def test_a_catastrophic_regex_is_refused_at_load(kind, old, new, line, tmp_path):
    assert old in GOOD[kind]
    path = write(tmp_path, kind, GOOD[kind].replace(old, new, 1))
    refused_in_child(kind, path, line, "backtrack")


def test_a_nested_but_linear_regex_is_still_accepted(tmp_path):
    """Guard: a repeat inside a repeat separated by a literal is linear and stays allowed."""
    text = TAXONOMY.replace(
        "    aliases: [python, py3]", "    aliases: [python]\n    patterns: ['py(?:\\d+\\.)+\\d+']"
    )
    LOADERS["taxonomy"](write(tmp_path, "taxonomy", text))


# =========================================================================== taxonomy specifics


@pytest.mark.parametrize(
    ("old", "new", "line", "word"),
    [
        ("    ambiguous: [Go]", "    ambiguous: 5", 12, "ambiguous"),
        ("    parents: [programming]", "    implies: 5", 7, "implies"),
        ("    parents: [programming]", "    also: {python: 5}", 7, "also"),
        ("    parents: [programming]", "    translations: {zh: 5}", 7, "translations"),
        ("    parents: [programming]", "    exclude: [{forms: 5, document: x}]", 7, "forms"),
        ("    name: Programming", "    name: Programming\n    parents: 5", 18, "parents"),
        ("skills:\n  - id: python", "skills: 5\nx:\n  - id: python", 2, "skills"),
    ],
)
def test_taxonomy_wrongly_shaped_values_are_problems_not_type_errors(old, new, line, word, tmp_path):
    assert old in TAXONOMY
    refused("taxonomy", write(tmp_path, "taxonomy", TAXONOMY.replace(old, new, 1)), line, word)


def test_taxonomy_also_problems_are_at_the_lines_at_fault(tmp_path):
    from skillpulse.extractors.taxonomy import check_taxonomy

    text = TAXONOMY.replace(
        "    parents: [programming]",
        "    parents: [programming]\n    also:\n      pyspark:\n        - go\n        - nosuch",
    )
    path = write(tmp_path, "taxonomy", text)
    lines = {p.message.split(" ")[0] + str(p.line) for p in check_taxonomy(path)}
    found = {(p.line, p.message) for p in check_taxonomy(path)}
    assert any(line == 9 and "'pyspark' is not one of this skill's forms" in m for line, m in found), found
    assert any(line == 11 and "unknown id 'nosuch'" in m for line, m in found), (found, lines)


def test_taxonomy_a_bad_language_code_is_at_its_key(tmp_path):
    from skillpulse.extractors.taxonomy import check_taxonomy

    text = TAXONOMY.replace(
        "    parents: [programming]",
        "    parents: [programming]\n    translations:\n      zh: [派森]\n      chinese: [蟒]",
    )
    [problem] = check_taxonomy(write(tmp_path, "taxonomy", text))
    assert problem.line == 10 and "chinese" in problem.message, problem


# =========================================================================== roles, claims, sources specifics


def test_roles_unknown_family_is_named_at_its_line(tmp_path):
    from skillpulse.extractors.roles import RolesError

    path = write(tmp_path, "roles", ROLES.replace("family: ml_engineer", "family: wizard"))
    problems = refused("roles", path, 5, "wizard")
    with pytest.raises(RolesError):  # the old name still catches it
        LOADERS["roles"](path)
    assert len(problems) == 1


def test_roles_broken_regex_is_named_at_its_line(tmp_path):
    path = write(tmp_path, "roles", ROLES.replace("'machine learning {eng}'", "'machine (learning {eng}'"))
    refused("roles", path, 7, "bad pattern")


@pytest.mark.parametrize(
    ("old", "new", "line", "word"),
    [
        ("  - id: salary-120k", "  - id: demand-growth", 38, "duplicate claim id"),
        ("    kind: salary_level", "    kind: salary_levle", 39, "salary_levle"),
        ('{label: "2024–2026", from: 2024', '{label: "2024–2026", from: 2023', 20, "overlap"),
        ("    kind: salary_level\n", "", 38, "kind"),
        ("min_n: 30 ", "min_n: many ", 6, "min_n"),
    ],
)
def test_claims_problems_are_named_at_their_lines(old, new, line, word, tmp_path):
    assert old in CLAIMS
    refused("claims", write(tmp_path, "claims", CLAIMS.replace(old, new, 1)), line, word)


def test_sources_a_missing_file_given_explicitly_is_refused(tmp_path):
    path = tmp_path / "no-such-sources.yaml"
    [problem] = refused("sources", path, None, "no such file")


def test_sources_the_shipped_file_missing_still_means_no_live_sources(tmp_path, monkeypatch):
    """Guard: only an explicit path must exist; a wheel without sources.yaml runs offline."""
    from skillpulse.flows.sources import config

    monkeypatch.setattr(config, "DEFAULT_CONFIG_PATH", tmp_path / "absent.yaml")
    assert config.load_config(None).sources == {}


def test_sources_config_error_is_a_config_file_error(tmp_path):
    from skillpulse.flows.sources.config import ConfigError

    assert issubclass(ConfigError, ConfigFileError) and issubclass(ConfigError, ValueError)


def test_company_map_goes_through_the_safe_loader(tmp_path):
    from skillpulse.extractors.industry import company_map

    path = tmp_path / "company_industry.yaml"
    path.write_text("companies:\n  acme: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(ConfigFileError) as info:
        company_map(path)
    assert_lines(path, info.value.problems, 2, "python/object")
    path.write_text("companies:\n  acme: [finance]\n", encoding="utf-8")
    with pytest.raises(ConfigFileError) as info:
        company_map(path)
    assert_lines(path, info.value.problems, 2, "acme")
