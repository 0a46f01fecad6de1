"""The console examples of README.md and docs/ print what they show.

Every ```console block of README.md and docs/**/*.md is a transcript: lines starting with `$ ` are
commands (continued over further lines while a quote is open or a line ends in `\\` or `|`), the
lines after a command are what it prints, stdout and stderr together as a terminal shows them.
Each block runs in a shell in the checkout, with `relapsekg` being this tree's command line on the
session's store and `curl` asking a server of that store started for these examples, at the
address the docs use (`make run`'s http://127.0.0.1:8000). The output must equal what is shown,
but for trailing spaces, and for `…`, which stands for any text, so an example can leave out what
varies (timings, paths of temporary folders) or what would be too long to read.

Blocks meant to be read and not run are written ```sh (commands only) or ```text.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from serving import start_server

from graph import paths

ROOT = paths.ROOT
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"^```console[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
PROMPT = "$ "
DOCS_ADDRESS = "http://127.0.0.1:8000"
ELLIPSIS = "…"
SECONDS_PER_COMMAND = 120


@dataclass(frozen=True)
class Step:
    command: str
    shown: str


@dataclass(frozen=True)
class Example:
    where: str  # file:line of the block's first line
    steps: tuple[Step, ...]

    @property
    def uses_server(self) -> bool:
        return any(DOCS_ADDRESS in s.command for s in self.steps)


def _complete(command: str) -> bool:
    """Whether a shell would run ``command`` as it stands, or wait for the rest of it."""
    if command.rstrip().endswith(("\\", "|")):
        return False
    try:
        shlex.split(command, comments=True)
    except ValueError:  # an open quote
        return False
    return True


def parse_block(text: str, where: str) -> Example:
    lines = text.splitlines()
    steps: list[Step] = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith(PROMPT):
            raise ValueError(f"{where}: a console block must start with a `$ ` command, not {lines[i]!r}")
        command = lines[i][len(PROMPT) :]
        i += 1
        while not _complete(command):
            if i == len(lines):
                raise ValueError(f"{where}: the command {command!r} is not finished when the block ends")
            command += "\n" + lines[i]
            i += 1
        shown = []
        while i < len(lines) and not lines[i].startswith(PROMPT):
            shown.append(lines[i])
            i += 1
        steps.append(Step(command, "\n".join(shown)))
    return Example(where, tuple(steps))


def examples_in(path: Path) -> Iterator[Example]:
    text = path.read_text(encoding="utf-8")
    for match in BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        yield parse_block(match.group(1), f"{path.relative_to(ROOT)}:{line}")


EXAMPLES = [example for path in DOCS for example in examples_in(path)]


def tidy(output: str) -> str:
    """Output as compared: no trailing spaces (rich pads table rows), no trailing blank lines."""
    return "\n".join(line.rstrip() for line in output.splitlines()).rstrip("\n")


def shows(shown: str, printed: str) -> bool:
    """Whether ``printed`` is what ``shown`` shows, `…` standing for any text (across lines too)."""
    pattern = ".*?".join(re.escape(part) for part in tidy(shown).split(ELLIPSIS))
    return re.fullmatch(pattern, tidy(printed), re.DOTALL) is not None


@pytest.fixture(scope="module")
def command_line(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding `relapsekg`: this checkout's command line, whatever the venv points at."""
    folder = tmp_path_factory.mktemp("bin")
    script = folder / "relapsekg"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from graph.cli import main\n"
        "sys.exit(main())\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return folder


@pytest.fixture(scope="module")
def docs_server(store: Path) -> Iterator[str]:
    """A server of its own, so that what the examples show of its answer cache is its first request."""
    proc, url = start_server(store)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def run(command: str, *, bin_dir: Path, store: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR")}
    env |= {
        "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        "RELAPSEKG_STORE": str(store),
        "COLUMNS": "80",  # what rich assumes when the output is not a terminal
        "NO_COLOR": "1",
    }
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=SECONDS_PER_COMMAND,
    )
    return done.stdout.decode("utf-8", errors="replace")


def test_the_readme_and_the_docs_have_examples_that_run() -> None:
    where = {e.where.split(":")[0] for e in EXAMPLES}
    assert "README.md" in where, "the README shows no ```console example"
    assert len(where) >= 4, f"console examples in only {sorted(where)}"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.where for e in EXAMPLES])
def test_console_example_prints_what_it_shows(
    example: Example, store: Path, command_line: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("docs_server") if example.uses_server else DOCS_ADDRESS
    for step in example.steps:
        printed = run(step.command.replace(DOCS_ADDRESS, url), bin_dir=command_line, store=store)
        if not shows(step.shown, printed):
            diff = "\n".join(
                difflib.unified_diff(
                    tidy(step.shown).splitlines(),
                    tidy(printed).splitlines(),
                    "shown",
                    "printed",
                    lineterm="",
                )
            )
            pytest.fail(f"{example.where}: `{step.command}` printed otherwise than shown:\n{diff}")


def test_the_cli_page_documents_every_command() -> None:
    import typer

    from graph.cli import app
    from graph.commands import load_all

    load_all()
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    missing = []
    for name, command in typer.main.get_command(app).commands.items():  # type: ignore[attr-defined]
        lines = [line for line in page.splitlines() if f"relapsekg {name}" in line]
        if not lines:
            missing.append(name)
        for sub in getattr(command, "commands", {}):
            if not any(sub in line for line in lines):
                missing.append(f"{name} {sub}")
    assert not missing, f"docs/cli.md does not document: {', '.join(missing)}"


def test_every_named_query_and_every_export_is_documented() -> None:
    from graph.exports import all_exports

    queries = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    exports = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    names = sorted(p.stem for p in paths.QUERIES_DIR.glob("*.rq"))
    assert names, "no named query found"
    assert [n for n in names if f"`{n}`" not in queries] == [], "named queries missing from docs/queries.md"
    assert [f for f in all_exports() if f"`{f}`" not in exports] == [], "exports missing from docs/exports.md"


@pytest.mark.parametrize(
    ("shown", "printed", "same"),
    [
        ("a\nb", "a  \nb\n\n", True),
        ("4 rows in … s", "4 rows in 0.31 s", True),
        ("first\n…\nlast", "first\nx\ny\nlast", True),
        ("4 rows", "5 rows", False),
        ("a … c", "a b d", False),
        ("a(b)*", "a(b)*", True),
    ],
)
def test_what_counts_as_shown(shown: str, printed: str, same: bool) -> None:
    assert shows(shown, printed) is same
