"""Every command has an example in the README, and every option says what it is for in ``--help``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from skillpulse.flows.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = typer.main.get_command(app).commands


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_an_example_in_the_readme(name):
    assert re.search(rf"skillpulse {name}\b", README), f"README has no example of `skillpulse {name}`"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_says_what_it_is_for(name):
    command = COMMANDS[name]
    assert (command.help or "").strip(), f"`skillpulse {name}` has no help text"
    for param in command.params:
        if param.param_type_name != "option":
            continue
        assert (param.help or "").strip(), f"`skillpulse {name} {param.opts[0]}` has no help text"


def test_the_options_readers_reach_for_appear_in_the_readme():
    for option in ("--offline", "--live", "--out", "--db", "--limit", "--source", "--gold", "--part"):
        assert option in README, option


def test_collect_help_lists_every_source_with_its_keys():
    from skillpulse.flows.sources import LIVE_SOURCES

    epilog = COMMANDS["collect"].epilog or ""
    for name in LIVE_SOURCES:
        assert f"\n\n{name}: " in f"\n\n{epilog}", f"`skillpulse collect --help` does not list {name}"
    assert "workday: boards (text or a list of them)" in epilog and "pay_details (true or false" in epilog
