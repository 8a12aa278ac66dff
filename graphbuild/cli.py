"""The ``graphbuild`` command line: each sub-command lives in ``graphbuild/commands/<name>.py``
and exposes ``register(subparsers)``, which adds its parser and sets ``func(args) -> int``."""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading

from . import __version__, progress
from .errors import UserError

COMMANDS = ("extract", "eval", "explain", "build", "query", "check", "push", "export", "viz", "plot",
            "info")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="graphbuild", description="News articles -> knowledge graph of geopolitical events.")
    parser.add_argument("--version", "-V", action="version", version=f"graphbuild {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f"graphbuild.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    try:
        code = _main(argv)
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
    store = sys.modules.get("graphbuild.sinks.store")
    if store is not None and store.abandoned():
        # LadybugDB aborts the process if a store that failed on I/O is closed or collected:
        # leave without destructors (its committed batches are recovered on the next open)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        os._exit(code)
    return code


def _terminate(signum, frame):
    """SIGTERM ends a command the way Ctrl-C does: batches committed, workers stopped."""
    raise KeyboardInterrupt


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    progress.force(getattr(args, "progress", False))
    try:
        code = int(args.func(args) or 0)
        if sys.stdout is not None:
            sys.stdout.flush()  # a full or closed stdout is an error here, not at interpreter exit
        return code
    except UserError as exc:
        print(f"graphbuild {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"graphbuild {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except OSError as exc:  # an output the command could not write (read-only place, full disk)
        where = f"{exc.filename}: " if exc.filename else ("standard output: " if exc.errno else "")
        print(f"graphbuild {args.command}: error: cannot write {where}{exc.strerror or exc}",
              file=sys.stderr)
        _silence_stdout()
        return 2


def _one_line(text) -> str:
    """A message on one line (a path with a newline in it must not split the error)."""
    return " ".join(str(text).split("\n")).replace("\r", " ")


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":  # pragma: no cover  (python -m graphbuild.cli; python -m graphbuild is __main__.py)
    sys.exit(main())
