"""The refusals a user can act on: one line each (file:line:entry where a file is at fault), no traceback.

Why one base class: every command ends the same way on a user's mistake (a bad config file, an input that
is not what it should be, a store another run holds): :func:`skillpulse.flows.cli.main` prints each
problem on its own line, then what to do, and exits with ``exit_code``. Code that finds such a problem
raises a subclass; nothing else needs to know how the CLI reports it.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem in what the user gave us; ``problems`` are the lines to print, ``hint`` what to do."""

    exit_code = 2

    def __init__(self, problems: str | list[str], hint: str | None = None) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.hint = hint
        first = self.problems[0] if self.problems else "refused"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)


class ConfigFileError(UserError):
    """A configuration file (taxonomy, roles, claims, sources) that cannot be used as written."""


class InputFileError(UserError):
    """An input file (``--input``) or output path that cannot be read or written as asked."""


class StoreError(UserError):
    """The DuckDB store cannot be opened or written: locked by another run, read-only, full, not a store."""

    exit_code = 3
