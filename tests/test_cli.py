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
