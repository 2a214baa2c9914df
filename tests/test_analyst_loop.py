"""The analyst's loop: the template runs as committed, with its default parameters, in place."""

import json
import shutil

import papermill as pm
import pytest

from boardpack import cli
from boardpack.paths import NOTEBOOK


@pytest.mark.slow
def test_template_runs_with_its_default_parameters(tmp_path):
    # Copy the template so the run writes figures.json beside the copy, as it would beside the
    # original when an analyst opens it in Jupyter and runs all cells.
    template = tmp_path / "board_pack.ipynb"
    shutil.copy(NOTEBOOK, template)
    pm.execute_notebook(str(template), str(tmp_path / "executed.ipynb"), kernel_name="python3", cwd=str(tmp_path),
                        progress_bar=False)
    figures = json.loads((tmp_path / "figures.json").read_text())
    defaults = pm.inspect_notebook(str(NOTEBOOK))
    assert figures["borough"] == json.loads(defaults["borough"]["default"])
    assert figures["data"] == "demo"
    assert (tmp_path / "tables" / "recorded_crime.csv").is_file()


def test_fetch_and_demo_subcommands_are_wired(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["fetch", "--help"])
    assert exit_info.value.code == 0
    assert "--data-dir" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["demo", "--help"])
    assert exit_info.value.code == 0
    assert "--out" in capsys.readouterr().out


def test_demo_and_data_dir_together_are_refused(capsys, tmp_path):
    assert cli.main(["--demo", "--data-dir", str(tmp_path)]) == 2
    assert "cannot be used together" in capsys.readouterr().err
