"""`mieux`, the staff CLI (console script `mieux = "starter.cli:main"`).

Exit codes (DOMAIN.md §6): 0 done; 1 refused by the workflow; 2 bad usage, invalid input,
unknown reference or invalid setting; 3 Temporal unreachable. None of these prints a
traceback: the reason is one line on stderr.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import sys
from argparse import Namespace
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from reads.errors import BAD_USAGE, DONE, CliError, Refused
from starter.parser import build_parser

Handler = Callable[..., Awaitable[int]]


def parse(argv: Sequence[str] | None) -> Namespace | int:
    """The parsed arguments, or the exit code when argparse already answered (help, usage)."""
    try:
        return build_parser().parse_args(argv)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (DONE if done.code is None else 2)


def _handler(name: str) -> Handler:
    module, _, function = name.partition(":")
    handler: Handler = getattr(importlib.import_module(module), function)
    return handler


async def execute(args: Namespace) -> int:
    from config.connection import read_connection
    from config.sources import SettingsError
    from reads.session import Session

    try:
        connection = read_connection()
    except SettingsError as error:
        return _fail(BAD_USAGE, str(error))
    if connection.auth.issuer:
        # Signed in, the sender is whom the token names; a typed name would only mislead.
        if getattr(args, "identity", None):
            return _fail(
                BAD_USAGE, "--as is not taken when staff sign in (auth.issuer): see `mieux whoami`"
            )
        if getattr(args, "no_wait", False):
            return _fail(
                BAD_USAGE,
                "--no-wait is not taken when staff sign in: a signal cannot prove its sender"
                " months later, when it is replayed",
            )
    identity = getattr(args, "identity", None) or connection.identity
    from glossary.names import has_control

    if not identity.strip() or len(identity) > 80 or has_control(identity):
        return _fail(BAD_USAGE, "--as: a name of 1 to 80 characters, on one line")
    seconds = getattr(args, "timeout", 15.0)
    if seconds <= 0:
        return _fail(BAD_USAGE, "--timeout: a positive number of seconds")
    from starter.signin import current_token

    session = Session(
        identity=identity.strip(),
        timeout=timedelta(seconds=seconds),
        connection=connection,
        token=current_token,
    )
    try:
        return await _handler(args.handler)(session, args)
    except CliError as error:
        prefix = "refused: " if isinstance(error, Refused) else ""
        return _fail(error.exit_code, prefix + error.message)


def _fail(code: int, message: str) -> int:
    print(f"mieux: {message}", file=sys.stderr)
    return code


async def run_async(argv: Sequence[str] | None = None) -> int:
    """Run one command in the running event loop; the exit code (tests call this)."""
    args = parse(argv)
    if isinstance(args, int):
        return args
    return await execute(args)


def run(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if isinstance(args, int):
        return args
    try:
        return asyncio.run(execute(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `mieux doc list REF | head -1`: the reader has what it wanted; say nothing more.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return DONE


def main() -> None:
    code = run(sys.argv[1:])
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe: nothing more can be said.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    # The Temporal runtime's threads can crash the interpreter's finalisation (exit 134/139,
    # sdk-python #300, TEMPORAL-NOTES.md): leave without finalising, after flushing.
    os._exit(code)


if __name__ == "__main__":
    main()
