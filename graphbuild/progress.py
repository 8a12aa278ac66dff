"""Progress bars, made in one place: shown on a terminal, never as ``\\r`` spam in a log.

A bar is drawn when stderr is a TTY, or when forced (``--progress`` or ``GRAPHBUILD_PROGRESS=1``,
e.g. for a CI log that wants it); ``--quiet`` always wins.
"""

from __future__ import annotations

import os
import sys

_forced = False


def add_argument(parser) -> None:
    """The ``--progress`` option of a command that has a progress bar (beside its ``--quiet``)."""
    parser.add_argument("--progress", action="store_true",
                        help="show the progress bar even when stderr is not a terminal")


def force(on: bool) -> None:
    """Draw bars even off a terminal (set from ``--progress`` by the CLI)."""
    global _forced
    _forced = bool(on)


def enabled(quiet: bool = False) -> bool:
    """Whether a bar should be drawn: never when quiet, else on a TTY or when forced."""
    if quiet:
        return False
    if _forced or os.environ.get("GRAPHBUILD_PROGRESS", "").lower() in ("1", "true", "yes"):
        return True
    stream = sys.stderr
    try:
        return stream is not None and stream.isatty()
    except (ValueError, AttributeError):
        return False


def bar(quiet: bool = False, **kwargs):
    """A tqdm bar on stderr, disabled unless :func:`enabled`; ``kwargs`` go to tqdm."""
    from tqdm import tqdm

    kwargs.setdefault("file", sys.stderr)
    kwargs.setdefault("dynamic_ncols", True)
    return tqdm(disable=not enabled(quiet), **kwargs)
