"""The three ways a `mieux` command fails, each with its exit code (DOMAIN.md §6).

Each carries one line for stderr; `cli.run` prints it and returns the code, no traceback.
"""

from __future__ import annotations

DONE = 0
REFUSED = 1
BAD_USAGE = 2
UNREACHABLE = 3


class CliError(Exception):
    exit_code = REFUSED

    def __init__(self, message: str) -> None:
        # One line on stderr, whatever the workflow or the file put in the message.
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        return str(self)


class Refused(CliError):
    """The workflow (or the register) refused the command; the message is its reason."""

    exit_code = REFUSED


class BadInput(CliError):
    """Bad usage, an invalid file, an unknown reference or an invalid setting."""

    exit_code = BAD_USAGE


class Unreachable(CliError):
    """Temporal (or a worker behind it) did not answer."""

    exit_code = UNREACHABLE
