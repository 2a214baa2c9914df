"""Checking an edited copy of the template notebook before a run builds from it.

papermill injects each borough's parameters after the cell tagged ``parameters`` and only
warns about names that cell does not assign, so a copy that lost a parameter would build
packs from that parameter's default (the wrong borough, say). :func:`check_template` refuses
such a copy up front, naming what is missing.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from .errors import OptionError
from .paths import NOTEBOOK
from .registry import project_file

PARAMETERS_TAG = "parameters"


def read_notebook(path: Path, option: str) -> dict:
    """The notebook's JSON document.

    Raises
    ------
    OptionError
        If ``path`` is missing, a folder, unreadable, or not a Jupyter notebook.
    """
    if not path.exists():
        raise OptionError(option, "no such file — give the path of an edited copy of notebooks/board_pack.ipynb")
    if path.is_dir():
        raise OptionError(option, "this is a folder, not a notebook — give the path of an .ipynb file")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        doc = None
    except ValueError as exc:
        raise OptionError(option, f"not a Jupyter notebook (not valid JSON: {exc}) — give an .ipynb file saved "
                              "by Jupyter") from None
    except OSError as exc:
        raise OptionError(option, f"cannot be read ({exc.strerror or exc}) — check the file and that you may "
                              "read it") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("cells"), list) or "nbformat" not in doc:
        raise OptionError(option, "not a Jupyter notebook (no notebook cells in it) — give an .ipynb file saved by "
                              "Jupyter")
    return doc


def parameters_cell(doc: dict) -> str | None:
    """The source of the first code cell tagged ``parameters``; None when there is none."""
    for cell in doc["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        tags = (cell.get("metadata") or {}).get("tags") or []
        if PARAMETERS_TAG in tags:
            source = cell.get("source", "")
            return "".join(source) if isinstance(source, list) else str(source)
    return None


def assigned_names(source: str) -> list[str]:
    """The names a cell assigns at its top level (``x = …``, ``x: int = …``, ``x, y = …``), in order.

    Raises
    ------
    SyntaxError
        If the cell is not valid Python.
    """
    names: list[str] = []

    def collect(target) -> None:
        if isinstance(target, ast.Name):
            if target.id not in names:
                names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                collect(element)
        elif isinstance(target, ast.Starred):
            collect(target.value)

    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                collect(target)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            collect(node.target)
    return names


def template_parameters(path: str | Path = NOTEBOOK, option: str = "template") -> list[str]:
    """The parameter names a template notebook's ``parameters`` cell assigns.

    Parameters
    ----------
    path : str or Path
        A notebook; the project's template by default.
    option : str
        How refusals name the notebook (e.g. ``"--template PATH"``).

    Raises
    ------
    OptionError
        If the notebook cannot be read, has no cell tagged ``parameters``, or that cell is not
        valid Python.
    """
    path = Path(path)
    source = parameters_cell(read_notebook(path, option))
    if source is None:
        raise OptionError(option, f"has no code cell tagged {PARAMETERS_TAG!r} — papermill puts each borough's "
                              "parameters after that cell; keep the template's parameters cell, tag included")
    try:
        return assigned_names(source)
    except SyntaxError as exc:
        raise OptionError(option, f"its {PARAMETERS_TAG!r} cell is not valid Python (line {exc.lineno}: {exc.msg}) — "
                              "fix that cell") from None


def check_template(path: str | Path, reference: str | Path = NOTEBOOK, option: str | None = None) -> Path:
    """Refuse a template that is missing, not a notebook, or lacks any of the reference's parameters.

    Parameters
    ----------
    path : str or Path
        The edited copy of the template.
    reference : str or Path
        The template whose parameters it must keep (``notebooks/board_pack.ipynb``).
    option : str, optional
        How refusals name it; ``"--template PATH"`` by default.

    Returns
    -------
    Path
        ``path``, resolved.

    Raises
    ------
    OptionError
        One plain line naming the file and what is wrong (for a missing parameter, its name).
    """
    path = Path(path)
    option = option or f"--template {path}"
    wanted = template_parameters(project_file(Path(reference)), option=f"the template {reference}")
    have = set(template_parameters(path, option))
    missing = [name for name in wanted if name not in have]
    if missing:
        listed = ", ".join(missing)
        plural = "s" if len(missing) > 1 else ""
        raise OptionError(option, f"its {PARAMETERS_TAG!r} cell lacks the template's parameter{plural} {listed} — "
                              f"copy {'them' if plural else 'it'} back from notebooks/board_pack.ipynb")
    return path.resolve()
