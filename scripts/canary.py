"""`make canary`: would the newest releases pyproject.toml allows still work? Which one broke what?

The Makefile resolves the newest releases within pyproject.toml's ranges into a lock of their own
(``uv pip compile --upgrade``); this script installs that lock into a throwaway venv with the same
pinned installer as ``make install`` (scripts/install.py), runs the fast tests and builds one demo
borough there, and prints which packages moved (locked -> newest) and, for each failing test and a
failed build, the moved packages it points at:

- *in its traceback*: a frame of the traceback is in a moved distribution's files (each frame's
  top-level module mapped to its distribution with ``importlib.metadata.packages_distributions``,
  read in the canary venv);
- *imported where it failed*: no frame is, but a frame is in one of the suite's (or the tests') own
  modules, and that module imports a moved distribution (a changed return value fails there).

Reading tracebacks costs nothing more than the one test run, needs no further install and names the
package whose code raised; retrying each failure with one upgraded package at a time on top of the
lock would be surer for a wrong value, but takes an install and a test run per moved package.
Standard library only; exit status 0 when everything passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
BOROUGH = "camden"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)==(\S+)", re.MULTILINE)
# A frame in an installed distribution: .../site-packages/<top-level module>/... or .../<module>.py
INSTALLED_FRAME = re.compile(r"(?:site|dist)-packages/([A-Za-z_][A-Za-z0-9_]*)(?:/|\.py\b|\.cpython)")
# A frame in the project's own code, relative or absolute: lib/boardpack/x.py, tests/y.py, scripts/z.py
PROJECT_FRAME = re.compile(r"(?<![\w.-])((?:[^\s\"':]*/)?(?:lib|tests|scripts)/[\w/.-]+\.py)\b")


@dataclass
class Move:
    """One distribution whose newest allowed release differs from the lock (None: absent there)."""

    name: str
    locked: str | None
    newest: str | None

    def __str__(self) -> str:
        return f"{self.name} {self.locked or '(not locked)'} -> {self.newest or '(dropped)'}"


@dataclass
class Breakage:
    """A failing test or build, and the moved distributions it points at."""

    what: str
    in_traceback: list[Move] = field(default_factory=list)
    imported_where_it_failed: list[Move] = field(default_factory=list)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    moves = diff_versions(read_pins(args.lock.read_text(encoding="utf-8")),
                          read_pins(args.newest.read_text(encoding="utf-8")))
    print(format_moves(moves))
    if not moves:
        return 0
    python = install_newest(args.venv, args.newest)
    failures = run_fast_tests(python, args.venv / "fast-tests.xml")
    build_error = build_borough(python)
    if build_error is not None:
        failures[f"borough build ({BOROUGH})"] = build_error
    owners = module_owners(python)
    breakages = [attribute(what, text, moves, owners, project_imports) for what, text in failures.items()]
    print(format_breakages(breakages))
    return 1 if breakages else 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="canary.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--lock", type=Path, default=PROJECT_DIR / "requirements.lock")
    parser.add_argument("--newest", type=Path, required=True, help="the lock of the newest allowed releases")
    parser.add_argument("--venv", type=Path, default=PROJECT_DIR / ".cache" / "canary" / "venv")
    return parser.parse_args(argv)


def read_pins(lock_text: str) -> dict[str, str]:
    """A lock file's ``name==version`` lines as {normalised name: version}."""
    return {normalise(m.group(1)): m.group(2) for m in PIN.finditer(lock_text)}


def normalise(name: str) -> str:
    """A distribution name as PEP 503 compares them: lower case, runs of ``-_.`` as one ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def diff_versions(locked: dict[str, str], newest: dict[str, str]) -> list[Move]:
    """Every distribution whose version differs, or that one side has and the other not, by name."""
    names = sorted(set(locked) | set(newest))
    return [Move(n, locked.get(n), newest.get(n)) for n in names if locked.get(n) != newest.get(n)]


def install_newest(venv: Path, newest: Path) -> Path:
    """Install the newest lock (and the suite, editable) with `make install`'s own steps; return the python."""
    subprocess.run([sys.executable, str(PROJECT_DIR / "scripts" / "install.py"), "--venv", str(venv),
                    "--lock", str(newest)], check=True)
    return venv / "bin" / "python"


def run_fast_tests(python: Path, junit: Path) -> dict[str, str]:
    """Run ``pytest -m "not slow"`` with the canary's python; return {test id: failure text}."""
    junit.unlink(missing_ok=True)
    proc = subprocess.run([str(python), "-m", "pytest", "-q", "-m", "not slow", "-p", "no:cacheprovider",
                           f"--junitxml={junit}"], cwd=PROJECT_DIR)
    if not junit.exists():
        return {"the fast tests (pytest wrote no report)": f"pytest exit status {proc.returncode}"}
    return parse_junit(junit.read_text(encoding="utf-8"))


def parse_junit(xml_text: str) -> dict[str, str]:
    """pytest's JUnit XML as {test id: text of its failure or error}, failing tests only."""
    failed = {}
    for case in ET.fromstring(xml_text).iter("testcase"):
        problems = [p for p in case if p.tag in ("failure", "error")]
        if problems:
            test_id = "::".join(filter(None, (case.get("classname"), case.get("name"))))
            failed[test_id] = "\n".join(f"{p.get('message', '')}\n{p.text or ''}" for p in problems)
    return failed


def build_borough(python: Path) -> str | None:
    """Build one demo borough in a temporary folder; None if it built, else what the run and notebook said."""
    with tempfile.TemporaryDirectory(prefix="canary-") as out:
        proc = subprocess.run([str(python), "run_all.py", "--boroughs", BOROUGH, "--output-dir", out,
                               "--jobs", "1", "--no-progress", "--debug"],
                              cwd=PROJECT_DIR, capture_output=True, text=True)
        sys.stdout.write(proc.stdout)
        sys.stderr.write(proc.stderr)
        if proc.returncode == 0:
            return None
        notebooks = [notebook_errors(p.read_text(encoding="utf-8")) for p in Path(out).glob("*/*/*.failed.ipynb")]
        return "\n".join([proc.stdout, proc.stderr, *notebooks])


def notebook_errors(notebook_json: str) -> str:
    """The tracebacks of a failed notebook's error outputs, without terminal colours."""
    lines = []
    for cell in json.loads(notebook_json).get("cells", []):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                lines += [output.get("ename", ""), output.get("evalue", ""), *output.get("traceback", [])]
    return ANSI.sub("", "\n".join(lines))


def module_owners(python: Path) -> dict[str, list[str]]:
    """{top-level module: [distributions]} as the canary venv's importlib.metadata sees them."""
    code = "import importlib.metadata, json; print(json.dumps(importlib.metadata.packages_distributions()))"
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def project_imports(path: str) -> set[str]:
    """The top-level modules a file of the project imports (absolute imports only), if it is one."""
    file = (PROJECT_DIR / path) if not Path(path).is_absolute() else Path(path)
    try:
        if not file.resolve().is_relative_to(PROJECT_DIR) or ".cache" in file.parts:
            return set()
        tree = ast.parse(file.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return set()
    return imported_modules(tree)


def imported_modules(tree: ast.AST) -> set[str]:
    """Top-level names of a module's absolute imports, wherever they stand in it."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def attribute(what: str, text: str, moves: list[Move], owners: dict[str, list[str]], imports_of) -> Breakage:
    """The moved distributions a failure's text points at: by a frame in their files, else by an import.

    ``imports_of(path)`` gives the top-level modules a project file imports (:func:`project_imports`).
    """
    text = ANSI.sub("", text)

    def moved_owners(modules) -> list[Move]:
        dists = {normalise(d) for mod in modules for d in owners.get(mod, [])}
        return [m for m in moves if m.name in dists]

    breakage = Breakage(what, in_traceback=moved_owners(INSTALLED_FRAME.findall(text)))
    if not breakage.in_traceback:
        project_files = set(PROJECT_FRAME.findall(text))
        breakage.imported_where_it_failed = moved_owners(set().union(*map(imports_of, project_files)))
    return breakage


def format_moves(moves: list[Move]) -> str:
    if not moves:
        return "canary: nothing newer than requirements.lock within pyproject.toml's ranges"
    width = max(len(m.name) for m in moves)
    lines = [f"canary: {len(moves)} distribution(s) move from requirements.lock to the newest allowed:"]
    lines += [f"  {m.name:<{width}}  {m.locked or '(not locked)'} -> {m.newest or '(dropped)'}" for m in moves]
    return "\n".join(lines)


def format_breakages(breakages: list[Breakage]) -> str:
    if not breakages:
        return "canary: ok — the newest allowed releases pass the fast tests and build a borough"
    lines = [f"canary: {len(breakages)} failure(s) with the newest allowed releases:"]
    for b in breakages:
        lines.append(f"  {b.what}")
        if b.in_traceback:
            lines.append(f"      in its traceback: {'; '.join(map(str, b.in_traceback))}")
        elif b.imported_where_it_failed:
            lines.append(f"      imported where it failed: {'; '.join(map(str, b.imported_where_it_failed))}")
        else:
            lines.append("      no moved package in its traceback nor imported where it failed")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
