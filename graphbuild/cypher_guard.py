"""Read-only check of user Cypher (``graphbuild query FILE``) before it reaches the engine.

LadybugDB's read-only mode still lets a statement load native extensions, read and write files
(``LOAD FROM``, ``COPY ... TO``, ``EXPORT DATABASE``), download (``INSTALL``), change settings
(``CALL threads=1``) and checkpoint; it has no setting that turns these off. So the text is
tokenized (strings, comments and backquoted names skipped) and every statement must be a
reading one: it starts with a reading clause, uses no clause keyword outside the reading ones,
and calls only the catalogue functions listed below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import UserError

#: Clauses a statement may start with (after an optional EXPLAIN/PROFILE).
LEADING = frozenset({"MATCH", "OPTIONAL", "WITH", "UNWIND", "RETURN", "CALL"})
#: Keywords of statements or clauses that write, touch files, the network or the engine.
FORBIDDEN = frozenset({
    "CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "ALTER", "COMMENT",
    "COPY", "LOAD", "EXPORT", "IMPORT", "INSTALL", "UNINSTALL", "FORCE", "UPDATE",
    "CHECKPOINT", "ATTACH", "USE", "BEGIN", "COMMIT", "ROLLBACK", "TRANSACTION",
})
#: Table functions ``CALL f(...)`` may use: they only read the catalogue or the settings.
READ_FUNCTIONS = frozenset({
    "show_tables", "table_info", "show_connection", "current_setting", "db_version",
    "show_functions", "show_indexes", "show_warnings", "show_macros", "show_sequences",
    "show_loaded_extensions", "show_official_extensions", "show_attached_databases",
    "show_projected_graphs", "storage_info", "stats_info",
})

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<line_comment>//[^\n]*)
  | (?P<block_comment>/\*.*?\*/)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<quoted>`(?:[^`]|``)*`)
  | (?P<param>\$\w+)
  | (?P<word>[^\W\d]\w*)
  | (?P<number>\d[\w.]*)
  | (?P<punct>.)
""", re.S | re.X)


@dataclass
class Token:
    kind: str
    text: str


def tokens(text: str) -> list[Token]:
    """The tokens of ``text`` without whitespace and comments; an unclosed string is an error."""
    out: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        kind = m.lastgroup
        if kind == "punct" and text.startswith(("'", '"', "`", "/*"), pos):
            raise UserError("query file has an unterminated string, name or comment")
        if kind not in ("space", "line_comment", "block_comment"):
            out.append(Token(kind, m.group()))
        pos = m.end()
    return out


def _statements(toks: list[Token]) -> list[list[Token]]:
    stmts, cur = [], []
    for tok in toks:
        if tok.kind == "punct" and tok.text == ";":
            if cur:
                stmts.append(cur)
            cur = []
        else:
            cur.append(tok)
    if cur:
        stmts.append(cur)
    return stmts


def _is_keyword(stmt: list[Token], i: int) -> bool:
    """A word used as a keyword: not a property (``a.set``), variable (``load.id``), label
    (``:Load``) or map key (``{copy: 1}``)."""
    if stmt[i].kind != "word":
        return False
    before = stmt[i - 1].text if i else ""
    after = stmt[i + 1].text if i + 1 < len(stmt) else ""
    return before not in (".", ":") and after not in (":", ".")


def check_read_only(text: str) -> None:
    """Raise :class:`UserError` unless every statement of ``text`` only reads the graph."""
    for n, stmt in enumerate(_statements(tokens(text)), 1):
        where = f"statement {n}" if n > 1 else "the query"
        words = [t.text.upper() if _is_keyword(stmt, i) else None for i, t in enumerate(stmt)]
        first = 0
        while first < len(stmt) and words[first] in ("EXPLAIN", "PROFILE"):
            first += 1
        if first == len(stmt):
            continue
        if words[first] not in LEADING:
            raise UserError(f"{where} starts with {stmt[first].text!r}: query files may only read "
                            f"the graph (MATCH, OPTIONAL MATCH, WITH, UNWIND, RETURN, CALL)")
        for i, word in enumerate(words):
            if word in FORBIDDEN:
                raise UserError(f"{where} uses {stmt[i].text.upper()}: query files may only read the graph")
            if word == "CALL":
                _check_call(stmt, i, where)


def _check_call(stmt: list[Token], i: int, where: str) -> None:
    nxt = stmt[i + 1] if i + 1 < len(stmt) else None
    if nxt is None or nxt.text == "{":
        return  # a subquery: its own clauses are checked with the statement
    name, j = [], i + 1
    while j < len(stmt) and (stmt[j].kind in ("word", "quoted") or stmt[j].text == "."):
        name.append(stmt[j].text.strip("`"))
        j += 1
    func = "".join(name)
    after = stmt[j].text if j < len(stmt) else ""
    if after == "(" and func.lower() in READ_FUNCTIONS:
        return
    if after == "=":
        raise UserError(f"{where} changes the setting {func!r}: query files may only read the graph")
    raise UserError(f"{where} calls {func or '?'}(): query files may only call catalogue functions "
                    f"({', '.join(sorted(READ_FUNCTIONS))})")
