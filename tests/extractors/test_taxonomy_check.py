"""``taxonomy check`` and ``load_taxonomy`` on broken files: every problem, with the right line and entry."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from skillpulse.extractors.evaluate import GUIDELINE_IDS
from skillpulse.extractors.skills import DEFAULT_TAXONOMY, SkillExtractor
from skillpulse.extractors.taxonomy import SCHEMA_PATH, TaxonomyError, check_taxonomy, load_taxonomy
from skillpulse.flows.cli import app

GOOD = """\
version: 2
skills:
  - id: python
    name: Python
    category: language
    aliases: [python]
  - id: go
    name: Go
    category: language
    case_sensitive: [Go]
    ambiguous: [Go]
    exclude: ['Go-to']
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def only(problems, fragment: str):
    hits = [p for p in problems if fragment in p.message]
    assert len(hits) == 1, problems
    return hits[0]


def test_a_good_file_has_no_problems(tmp_path: Path):
    assert check_taxonomy(write(tmp_path, GOOD)) == []


def test_unknown_key_is_reported_at_its_line(tmp_path: Path):
    path = write(
        tmp_path, GOOD.replace("    aliases: [python]\n", "    aliases: [python]\n    alias: [py]\n")
    )
    p = only(check_taxonomy(path), "unknown key 'alias'")
    assert (p.line, p.entry, p.file) == (7, "python", str(path))
    assert str(p).startswith(f"{path}:7: entry 'python': unknown key 'alias'")


def test_duplicate_id_names_both_lines(tmp_path: Path):
    path = write(tmp_path, GOOD + "  - id: python\n    name: Py\n    category: language\n    aliases: [py]\n")
    p = only(check_taxonomy(path), "duplicate id")
    assert (p.line, p.entry) == (13, "python")
    assert "line 3" in p.message


def test_alias_claimed_by_two_ids(tmp_path: Path):
    path = write(
        tmp_path, GOOD + "  - id: golang\n    name: Golang\n    category: language\n    aliases: [Python]\n"
    )
    p = only(check_taxonomy(path), "also claimed by 'python'")
    assert (p.line, p.entry) == (16, "golang")


def test_broken_regex(tmp_path: Path):
    path = write(tmp_path, GOOD.replace("exclude: ['Go-to']", "exclude: ['Go-(to']"))
    p = only(check_taxonomy(path), "broken regex")
    assert (p.line, p.entry) == (12, "go")


def test_patterns_that_can_never_match(tmp_path: Path):
    text = GOOD.replace("ambiguous: [Go]", "ambiguous: [golang]").replace(
        "exclude: ['Go-to']", "exclude: ['Series B']"
    )
    problems = check_taxonomy(write(tmp_path, text))
    assert only(problems, "ambiguous form 'golang' is not one of").line == 11
    assert only(problems, "contains none of this skill's forms").line == 12
    empty = check_taxonomy(write(tmp_path, GOOD.replace("exclude: ['Go-to']", "exclude: ['(?:Go)?']")))
    assert only(empty, "matches the empty string").entry == "go"


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path):
    text = GOOD.replace("    aliases: [python]\n", "    aliases: [python]\n    colour: red\n")
    text = (
        text.replace("exclude: ['Go-to']", "exclude: ['(']") + "  - id: go\n    name: G\n    category: tool\n"
    )
    problems = check_taxonomy(write(tmp_path, text))
    messages = " | ".join(p.message for p in problems)
    assert "unknown key 'colour'" in messages and "broken regex" in messages and "duplicate id" in messages


def test_schema_errors_carry_lines(tmp_path: Path):
    path = write(
        tmp_path,
        GOOD.replace("category: language\n    case_sensitive", "category: langauge\n    case_sensitive"),
    )
    p = only(check_taxonomy(path), "is not one of")
    assert (p.line, p.entry) == (9, "go")


def test_yaml_syntax_error_gives_a_line(tmp_path: Path):
    path = write(tmp_path, GOOD.replace("aliases: [python]", "aliases: [python"))
    [p] = check_taxonomy(path)
    assert "not valid YAML" in p.message and p.line >= 6


def test_load_refuses_a_broken_file_at_start(tmp_path: Path):
    path = write(tmp_path, GOOD.replace("exclude: ['Go-to']", "exclude: ['(']"))
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    assert f"{path}:12: entry 'go': broken regex" in str(info.value)
    with pytest.raises(TaxonomyError):
        SkillExtractor(path)


def test_shipped_taxonomy_passes_and_is_broad():
    assert check_taxonomy(DEFAULT_TAXONOMY) == []
    tax = load_taxonomy(DEFAULT_TAXONOMY)
    ids = set(tax.ids())
    assert len(ids) >= 150
    assert ids >= GUIDELINE_IDS
    required = {"supervised_learning", "unsupervised_learning", "mlops", "model_deployment", "teamwork"}
    assert required | {"algorithms", "computer_science", "data_pipelines", "deep_learning"} <= ids
    zh = {a for s in tax.skills for a in s.translations.get("zh", ())}
    assert {"机器学习", "深度学习", "神经网络", "大数据", "自然语言处理", "计算机视觉", "数据结构"} <= zh


def test_shipped_taxonomy_validates_against_the_shipped_schema():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(yaml.safe_load(DEFAULT_TAXONOMY.read_text()), schema)


def test_cli_check_exit_codes(tmp_path: Path):
    runner = CliRunner()
    ok = runner.invoke(app, ["taxonomy", "check", str(DEFAULT_TAXONOMY)])
    assert ok.exit_code == 0, ok.output
    assert "OK" in ok.output
    bad = write(tmp_path, GOOD.replace("    aliases: [python]\n", "    aliases: [python]\n    alias: [py]\n"))
    result = runner.invoke(app, ["taxonomy", "check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:7: entry 'python': unknown key 'alias'" in result.output


def test_run_is_refused_at_start_with_a_broken_taxonomy(tmp_path: Path):
    bad = write(tmp_path, GOOD.replace("exclude: ['Go-to']", "exclude: ['(']"))
    result = CliRunner().invoke(
        app, ["extract", "-i", str(bad), "-o", str(tmp_path / "o.jsonl"), "--taxonomy", str(bad)]
    )
    assert result.exit_code == 2
    assert "broken regex" in result.output
    assert not (tmp_path / "o.jsonl").exists()


def test_optional_fields_load(tmp_path: Path):
    text = GOOD.replace(
        "    aliases: [python]\n",
        "    aliases: [python]\n"
        "    crosswalk: {esco: 'http://data.europa.eu/esco/skill/x', lightcast: KS1}\n"
        "    translations: {zh: [派森]}\n"
        "    parents: [go]\n"
        "    patterns: ['(?i)py(?:thon)?\\d']\n",
    )
    tax = load_taxonomy(write(tmp_path, text))
    py = tax.by_id["python"]
    assert py.crosswalk == {"esco": "http://data.europa.eu/esco/skill/x", "lightcast": "KS1"}
    assert py.translations == {"zh": ("派森",)} and "派森" in py.forms_insensitive
    assert tax.ancestors("python") == ("go",)
    assert py.patterns == ("(?i)py(?:thon)?\\d",)
    assert py.line == 3
    bad = check_taxonomy(write(tmp_path, text.replace("lightcast: KS1", "onet: 15-2051")))
    assert only(bad, "unknown key 'onet'").entry == "python"


IMPLIES = """\
version: 2
exclude: ['(?i:backed\\s+by)\\s+[A-Z]\\w*']
skills:
  - id: tableau
    name: Tableau
    category: tool
    aliases: [tableau]
    implies: [data_visualization]
  - id: data_visualization
    name: Data visualisation
    category: method
    aliases: [dashboards]
"""


def test_implies_adds_the_field_and_taxonomy_wide_exclusions_drop_any_skill(tmp_path: Path) -> None:
    ex = SkillExtractor(write(tmp_path, IMPLIES))
    found = {m.skill for m in ex.extract("Reports in Tableau.")}
    assert found == {"tableau", "data_visualization"}
    assert {m.skill for m in ex.extract("We are backed by Tableau founders.")} == set()


def test_implies_and_top_level_exclude_are_checked(tmp_path: Path) -> None:
    bad = IMPLIES.replace("implies: [data_visualization]", "implies: [dataviz]").replace(
        "exclude: ['(?i:backed\\s+by)\\s+[A-Z]\\w*']", "exclude: ['(unclosed']"
    )
    problems = check_taxonomy(write(tmp_path, bad))
    assert only(problems, "'dataviz', which is not a skill id").entry == "tableau"
    hit = only(problems, "exclude #1")
    assert hit.line == 2 and "broken regex" in hit.message
