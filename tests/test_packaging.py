"""pyproject.toml and environment.yml list the same dependencies."""

import re
import tomllib

import yaml

from boardpack.paths import PROJECT_DIR


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower()


def test_pip_and_conda_dependencies_agree():
    pyproject = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())
    pip_deps = {_name(d) for d in pyproject["project"]["dependencies"]}
    env = yaml.safe_load((PROJECT_DIR / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert pip_deps == conda


def test_nbconvert_exporters_are_registered():
    from importlib.metadata import entry_points

    names = {ep.name for ep in entry_points(group="nbconvert.exporters")}
    assert {"boardpack_pdf", "boardpack_html"} <= names
