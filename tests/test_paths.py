"""The package finds its own files through the package, and the project's folders from the project folder."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from boardpack import paths, registry
from boardpack.errors import ConfigurationError

RUN_CLI = "import sys; from boardpack.cli import main; sys.exit(main(sys.argv[1:]))"


@pytest.mark.parametrize("parts", [
    ("text", "glossary.yaml"),
    ("mappings", "crime_ho_2008.csv"),
    ("render", "templates"),
    ("fetch_catalogue.yaml",),
])
def test_package_data_is_found_through_the_package(parts):
    via_resources = resources.files("boardpack").joinpath(*parts)
    assert via_resources.is_file() or via_resources.is_dir()
    assert paths.package_path(*parts) == Path(str(via_resources))
    assert paths.package_path(*parts).is_relative_to(Path(paths.__file__).resolve().parent)


def test_project_folder_from_the_environment_first(tmp_path):
    assert paths.find_project_dir({paths.PROJECT_ENV: str(tmp_path)}, start=Path("/")) == tmp_path.resolve()


def test_project_folder_is_the_nearest_folder_above_the_working_directory_with_params_and_notebooks(tmp_path):
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "boroughs.yaml").write_text("boroughs: []\n")
    inside = tmp_path / "notebooks" / "deeper"
    inside.mkdir(parents=True)
    assert paths.find_project_dir({}, start=inside) != tmp_path.resolve()  # params/ alone is not a project
    (tmp_path / "notebooks" / "board_pack.ipynb").write_text("{}")
    assert paths.find_project_dir({}, start=inside) == tmp_path.resolve()


def test_without_a_project_folder_only_a_source_checkout_is_taken(tmp_path):
    found = paths.find_project_dir({}, start=tmp_path)
    if paths.PACKAGE_DIR.parent.name == "lib":  # editable install: the checkout the package is imported from
        assert found == paths.PACKAGE_DIR.parent.parent
    else:
        assert found is None


def test_kernels_and_workers_are_told_the_project_folder():
    assert paths.PROJECT_FOUND
    assert paths.project_env() == {paths.PROJECT_ENV: str(paths.PROJECT_DIR)}


def test_a_missing_params_file_is_a_configuration_error_naming_the_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "PARAMS_DIR", tmp_path / "params")
    with pytest.raises(ConfigurationError) as info:
        registry.params_file("boroughs.yaml")
    message = str(info.value)
    assert str(tmp_path / "params" / "boroughs.yaml") in message
    assert paths.PROJECT_ENV in message


def test_the_command_line_says_which_folder_it_expected(tmp_path):
    """Run from a folder that is not a project: one line naming params/ and how to point at the project."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOARDPACK_")}
    env[paths.PROJECT_ENV] = str(tmp_path)
    proc = subprocess.run([sys.executable, "-c", RUN_CLI, "--boroughs", "camden", "--no-progress"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(tmp_path / "params" / "boroughs.yaml") in lines[0]
    assert paths.PROJECT_ENV in lines[0]
