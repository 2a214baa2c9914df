"""Make the executed notebook the same bytes on every rebuild, keeping its volatile facts aside.

papermill and the kernel stamp the notebook with the clock (start and end times, durations,
message timestamps), the build folder's random name, and a random id for the injected
parameters cell. Those facts belong to this one run, not to the pack: they move to
``build.json`` and the notebook keeps only what the same inputs always give.
"""

from __future__ import annotations

from pathlib import Path

RUN_KEYS = ("start_time", "end_time", "duration")
INJECTED_ID = "injected-parameters"


def settle_notebook(path: Path, template_name: str) -> dict:
    """Rewrite the executed notebook at ``path`` without its run-specific facts; return them.

    Parameters
    ----------
    path : Path
        The executed notebook (``board_pack.ipynb`` in the build folder).
    template_name : str
        The template's file name, recorded as papermill's input path instead of a machine path.

    Returns
    -------
    dict
        ``{"papermill": {start_time, end_time, duration, input_path, output_path},
        "cells": [{"id", "duration", "execution"}...]}`` for ``build.json``.
    """
    import nbformat  # here, not at the top: importing it costs seconds, and a run with nothing to build needs none

    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    run = nb.metadata.get("papermill", {})
    facts = {"papermill": {key: run.pop(key) for key in (*RUN_KEYS, "input_path", "output_path") if key in run},
             "cells": []}
    if run:
        run["input_path"] = template_name
        run["output_path"] = path.name
        if "output_dir" in run.get("parameters", {}):
            run["parameters"]["output_dir"] = "."
    for cell in nb.cells:
        meta = cell.get("metadata", {})
        record = {"id": cell.get("id")}
        if "execution" in meta:  # the kernel's message timestamps
            record["execution"] = meta.pop("execution")
        cell_run = meta.get("papermill", {})
        for key in RUN_KEYS:
            if key in cell_run:
                record[key] = cell_run.pop(key)
        if INJECTED_ID in meta.get("tags", []):
            cell["id"] = INJECTED_ID
        facts["cells"].append(record)
    nbformat.write(nb, str(path))
    return facts
