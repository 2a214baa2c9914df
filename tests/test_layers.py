"""The package's layers hold: the import-linter contracts in pyproject.toml are all kept."""

import subprocess
import sys
from pathlib import Path

import pytest

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_import_contracts_are_kept(tmp_path):
    pytest.importorskip("importlinter", reason="import-linter is one of the suite's test dependencies")
    # In its own process: lint-imports configures logging, which must not leak into other tests.
    proc = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                           f"sys.exit(lint_imports(config_filename={str(PYPROJECT)!r}, no_cache=True))"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Contracts: 3 kept, 0 broken." in proc.stdout


def test_the_contracts_name_every_top_level_module():
    """A new module must be placed in a layer, or the contract would not check it."""
    import tomllib

    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    named = {m.strip() for layer in layers for m in layer.split("|")}
    package = PYPROJECT.parent / "lib" / "boardpack"
    modules = {f"boardpack.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {f"boardpack.{p.name}" for p in package.iterdir() if (p / "__init__.py").is_file()}
    assert modules <= named, sorted(modules - named)
