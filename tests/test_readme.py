"""Every shell command of README.md runs as written.

The commands of each of the README's ```sh blocks run one by one, in order, with bash from a
stand-in of the repository root (its entries symlinked, a real ``graphbuild-out/`` holding what
``make demo`` builds, ``../shared`` beside it) and the venv's ``bin/`` on ``PATH``. Each must exit
0 — or the code its trailing comment announces (``# ... exit 1``) —, create the outputs it names
(``--out``, ``-o``, ``--rdf``, ``>``) and write nothing into the root outside ``graphbuild-out/``.

Conventions for whoever edits the README (new commands are picked up automatically):
- only ```sh blocks run; illustrations go in ``` or ```text blocks;
- ``make ...`` lines are skipped (``make test`` is the harness, ``make demo`` the fixture);
- a line ending in ``\\`` continues on the next; ``#`` starts a comment as in bash;
- ``<!-- readme-test: neo4j -->`` on the line before a block: its commands need a live Neo4j
  and run only when NEO4J_URI is set (``make test`` starts one), one writer at a time (the lock of
  tests/test_neo4j_integration.py), graphbuild's nodes removed afterwards;
- a command may use what an earlier one of its block wrote; blocks may run in any order (under
  ``pytest -n`` too), so a block must not need another block's files (all share one
  ``graphbuild-out/`` built by the demo).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SHARED = ROOT.parent / "shared"
BIN = Path(sys.executable).parent
OUT = "graphbuild-out"
MAX_USER_GUIDE_LINES = 350
NEO4J_MARK = "<!-- readme-test: neo4j -->"
OUTPUT_FLAGS = ("--out", "-o", "--rdf")

pytestmark = pytest.mark.xdist_group("readme")  # one worker: one demo build, one graphbuild-out/


@dataclass(frozen=True)
class Command:
    """One shell command of the README: where it is, its text, what it needs and should return."""

    line: int
    text: str
    neo4j: bool = False
    block: int = 0  # the line of its ```sh fence

    @property
    def expected_exit(self) -> int:
        comment = self.text.partition(" #")[2]
        m = re.search(r"\bexit (\d+)\b", comment)
        return int(m.group(1)) if m else 0

    def outputs(self) -> list[str]:
        """The paths the command says it writes."""
        words = shlex.split(self.text, comments=True)
        found = [w2 for w1, w2 in zip(words, words[1:]) if w1 in OUTPUT_FLAGS or w1 == ">"]
        found += [w.split("=", 1)[1] for w in words if w.startswith(tuple(f + "=" for f in OUTPUT_FLAGS))]
        return [p for p in found if p != "-"]


def readme_commands(text: str) -> list[Command]:
    """The commands of the ```sh blocks, continuation lines joined, ``make`` lines left out."""
    commands, lines = [], text.splitlines()
    in_block, neo4j, pending, start, fence = False, False, "", 0, 0
    for no, line in enumerate(lines, 1):
        stripped = line.strip()
        if not in_block:
            if stripped == "```sh":
                previous = next((s.strip() for s in reversed(lines[:no - 1]) if s.strip()), "")
                in_block, neo4j, fence = True, previous == NEO4J_MARK, no
            continue
        if stripped.startswith("```"):
            in_block = False
            continue
        if not pending:
            start = no
        if stripped.endswith("\\"):
            pending += stripped[:-1].rstrip() + " "
            continue
        cmd, pending = (pending + stripped).strip(), ""
        if cmd and not cmd.startswith("#") and cmd.split()[0] != "make":
            commands.append(Command(start, cmd, neo4j, fence))
    return commands


COMMANDS = readme_commands(README.read_text(encoding="utf-8"))
BLOCKS: dict[int, list[Command]] = {}
for _c in COMMANDS:
    BLOCKS.setdefault(_c.block, []).append(_c)


def _env(neo4j: bool) -> dict[str, str]:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if not neo4j:  # only the marked commands may reach a server
        for key in [k for k in env if k.startswith("NEO4J_")]:
            del env[key]
    return env


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Path:
    """A stand-in for the repository root after ``make demo``: entries symlinked, a real graphbuild-out/."""
    base = tmp_path_factory.mktemp("readme")
    proj = base / "project"
    proj.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in (OUT, ".git"):
            (proj / entry.name).symlink_to(entry)
    if SHARED.is_dir():
        (base / "shared").symlink_to(SHARED)
    demo = subprocess.run([str(BIN / "graphbuild"), "build", "data/articles", "--out", OUT, "--quiet"],
                          cwd=proj, env=_env(False), capture_output=True, text=True, timeout=600)
    assert demo.returncode == 0, demo.stderr  # the recipe of `make demo`
    return proj


def _run(cmd: Command, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", cmd.text], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def _neo4j_run(cmd: Command, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    """Run a Neo4j command while holding the server's writer lock; leave the database as found."""
    from test_neo4j_integration import OUR_LABELS, _ns, exclusive, server_lock

    from graphbuild.sinks import neo4j as sink
    cfg = sink.config_from_args(_ns())
    with exclusive(server_lock(cfg)):
        try:
            done = _run(cmd, cwd, env)
            if done.returncode == 0 and " push neo4j" in f" {cmd.text}":
                _assert_pushed(sink, cfg, cmd, cwd)
        finally:
            driver = sink.connect(cfg)
            with driver, driver.session(database=cfg.database) as session:
                for label in OUR_LABELS:
                    session.run(f"MATCH (n:{label}) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 5000 ROWS").consume()
    return done


def _assert_pushed(sink, cfg, cmd: Command, cwd: Path) -> None:
    """The pushed database holds the store's actors, articles and events."""
    from graphbuild.sinks import store
    words = shlex.split(cmd.text, comments=True)
    path = words[words.index("--store") + 1] if "--store" in words else f"{OUT}/graph.lbdb"
    want = store.counts(cwd / path)
    driver = sink.connect(cfg)
    with driver:
        for label in ("Actor", "Article", "Event"):
            got = driver.execute_query(f"MATCH (n:{label}) RETURN count(n) AS n", database_=cfg.database).records[0]["n"]
            assert got == want[label], (label, got, want[label])


@pytest.mark.parametrize("block", list(BLOCKS.values()),
                         ids=[f"L{b[0].line}:{b[0].text.split(' #')[0][:60]}" for b in BLOCKS.values()])
def test_readme_block(block: list[Command], project: Path):
    if block[0].neo4j and not os.environ.get("NEO4J_URI"):
        pytest.skip("needs a live Neo4j: NEO4J_URI is not set (`make test` starts one)")
    if any("../shared" in cmd.text for cmd in block) and not SHARED.is_dir():
        pytest.skip("needs ../shared")
    for cmd in block:
        _check_command(cmd, project)


def _check_command(cmd: Command, project: Path) -> None:
    before = {p.name for p in project.iterdir()}
    env = _env(cmd.neo4j)
    done = (_neo4j_run if cmd.neo4j else _run)(cmd, project, env)
    assert done.returncode == cmd.expected_exit, (
        f"README.md:{cmd.line}: `{cmd.text}` exited {done.returncode}, expected {cmd.expected_exit}\n"
        f"stdout: {done.stdout[-2000:]}\nstderr: {done.stderr[-2000:]}")
    assert "Traceback" not in done.stderr, done.stderr
    for out in cmd.outputs():
        path = project / out
        assert path.exists(), f"README.md:{cmd.line}: `{cmd.text}` did not write {out}"
        assert path.is_dir() or path.stat().st_size > 0, f"README.md:{cmd.line}: {out} is empty"
        assert Path(out).parts[0] == OUT, f"README.md:{cmd.line}: writes {out}, outside {OUT}/"
    stray = {p.name for p in project.iterdir()} - before
    assert not stray, f"README.md:{cmd.line}: `{cmd.text}` wrote {sorted(stray)} into the repository root"


def test_readme_has_commands_of_every_kind():
    texts = [c.text for c in COMMANDS]
    for sub in ("build", "extract", "query", "push neo4j", "export rdf", "viz", "plot", "check"):
        assert any(re.search(rf"\bgraphbuild {sub}\b", t) for t in texts), sub
    assert any(c.neo4j for c in COMMANDS)


def test_parser_conventions():
    text = "\n".join([
        "```sh", "make demo", "graphbuild a \\", "  --out x  # exit 2", "# a comment", "```",
        "```", "graphbuild not-run", "```",
        NEO4J_MARK, "", "```sh", "graphbuild push neo4j", "```"])
    got = readme_commands(text)
    assert [(c.line, c.text, c.neo4j, c.expected_exit, c.block) for c in got] == [
        (3, "graphbuild a --out x  # exit 2", False, 2, 1), (13, "graphbuild push neo4j", True, 0, 12)]
    assert got[0].outputs() == ["x"]


def _anchors(doc: Path) -> set[str]:
    """GitHub's anchors of a Markdown file's headings."""
    heads = re.findall(r"^#+ (.+)$", doc.read_text(encoding="utf-8"), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in heads}


def test_readme_is_a_short_user_guide_linking_the_docs():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_USER_GUIDE_LINES, "move internals to docs/"
    links = set(re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text))
    local = {link for link in links if not re.match(r"[a-z]+:", link)}
    missing = sorted(link for link in local if not (ROOT / link).exists())
    assert not missing, f"README links to missing files: {missing}"
    for target, anchor in re.findall(r"\]\(([^)#\s]*\.md)?#([^)\s]+)\)", text):
        doc = (ROOT / target) if target else README
        assert anchor in _anchors(doc), f"README links to {target or 'README.md'}#{anchor}: no such heading"
    unlinked = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md")
                      if p.relative_to(ROOT).as_posix() not in local)
    assert not unlinked, f"docs not linked from the README: {unlinked}"
