"""The command line teaches on --help and refuses bad input with a message that says what to do."""

from __future__ import annotations

from typer.testing import CliRunner

from skillpulse.flows.cli import app

runner = CliRunner()


def test_help_lists_the_commands_and_the_first_step():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "skillpulse run --offline" in result.output
    for command in ("run", "serve"):
        assert command in result.output


def test_run_help_explains_options():
    result = runner.invoke(app, ["run", "--help"])
    assert result.exit_code == 0
    for option in ("--db", "--out", "--offline", "--limit"):
        assert option in result.output


def test_run_refuses_a_broken_taxonomy_naming_the_file(tmp_path):
    broken = tmp_path / "tax.yaml"
    broken.write_text("skills:\n  - id: python\n    aliases: [python\n")
    result = runner.invoke(
        app, ["run", "--offline", "--taxonomy", str(broken), "--db", str(tmp_path / "x.db")]
    )
    assert result.exit_code == 2
    assert "tax.yaml" in result.output
    assert "taxonomy check" in result.output
    assert not (tmp_path / "x.db").exists()


def test_a_user_error_from_any_command_is_one_line_per_problem_and_a_non_zero_exit():
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from skillpulse.flows import cli\n"
        "from skillpulse.errors import ConfigFileError\n"
        "@cli.app.command('boom')\n"
        "def boom() -> None:\n"
        "    '''Test.'''\n"
        "    raise ConfigFileError(['f.yaml:3: x: [red]not markup[/red]', 'f.yaml:9: y'], hint='Fix it.')\n"
        "sys.argv = ['skillpulse', 'boom']\n"
        "cli.main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stdout + done.stderr
    assert done.stdout.splitlines() == ["f.yaml:3: x: [red]not markup[/red]", "f.yaml:9: y", "Fix it."]


def test_the_run_summary_says_where_the_time_went_and_prints_errors_literally():
    from skillpulse.flows import cli

    summary = {
        "collected": [
            {"source": "snapshot", "new": 3, "changed": 0, "unchanged": 0, "quarantined": 0, "error": None},
            {
                "source": "greenhouse",
                "new": 0,
                "changed": 0,
                "unchanged": 0,
                "quarantined": 0,
                "error": "[/] x",
            },
        ],
        "extracted": {"extracted": 3, "mentions": 9},
        "postings_read": 3,
        "report": "r.html",
        "seconds": {"collect": 2.0, "extract": 5.0, "enrich": 4.0, "report": 1.0},
    }
    with cli.console.capture() as captured:
        cli._print_summary(summary, 30.0)
    out = captured.get()
    assert (
        "Time per stage: Prefect start-up 18 s · collect 2 s · extract 5 s · enrich 4 s · report 1 s" in out
    )
    assert "skipped: [/] x" in out  # a server's words are not Rich markup
