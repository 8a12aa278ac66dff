"""User-facing errors: one line naming the file/record and the reason, never a traceback."""


class UserError(Exception):
    """A problem with the user's input or environment; the CLI prints it and exits 2."""

    exit_code = 2
