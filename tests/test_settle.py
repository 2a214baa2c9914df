"""The executed notebook keeps only what the same inputs always give; run facts go to build.json."""

import nbformat

from boardpack.batch.settle import INJECTED_ID, settle_notebook


def executed(tmp_path, start):
    nb = nbformat.v4.new_notebook()
    injected = nbformat.v4.new_code_cell("borough = 'Camden'", metadata={
        "tags": ["injected-parameters"], "papermill": {"start_time": start, "end_time": start, "duration": 0.1}})
    body = nbformat.v4.new_code_cell("1 + 1", metadata={
        "execution": {"iopub.status.busy": start}, "papermill": {"duration": 0.2, "exception": False}})
    injected["id"], body["id"] = "random-id-from-papermill-" + start[-9:-7], "body"  # the template's own ids are fixed
    nb.cells = [injected, body]
    nb.metadata["papermill"] = {"start_time": start, "end_time": start, "duration": 1.0,
                                "input_path": "/home/me/notebooks/board_pack.ipynb",
                                "output_path": "/out/2026-09/.build-camden-1a2b3c4d/board_pack.ipynb",
                                "parameters": {"borough": "Camden", "output_dir": "/out/2026-09/.build-camden-1a2b"}}
    path = tmp_path / "board_pack.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_two_runs_settle_to_the_same_bytes(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = executed(tmp_path / "a", "2026-11-29T10:00:00Z")
    second = executed(tmp_path / "b", "2026-11-30T11:11:11Z")
    facts = settle_notebook(first, "board_pack.ipynb")
    settle_notebook(second, "board_pack.ipynb")
    assert first.read_bytes() == second.read_bytes()
    text = first.read_text()
    assert "2026-11-29" not in text and "/home/me" not in text and ".build-camden" not in text
    assert facts["papermill"]["start_time"] == "2026-11-29T10:00:00Z"
    assert facts["papermill"]["output_path"].endswith(".build-camden-1a2b3c4d/board_pack.ipynb")
    assert facts["cells"][1]["execution"] == {"iopub.status.busy": "2026-11-29T10:00:00Z"}
    nb = nbformat.read(str(first), as_version=4)
    assert nb.cells[0]["id"] == INJECTED_ID
    assert nb.metadata["papermill"]["input_path"] == "board_pack.ipynb"
    assert nb.metadata["papermill"]["parameters"]["output_dir"] == "."
    assert nb.cells[1].metadata["papermill"] == {"exception": False}
