"""An edited copy of the template is checked before a run builds from it (``--template PATH``)."""

from __future__ import annotations

import json

import nbformat
import pytest

from boardpack.errors import OptionError
from boardpack.paths import NOTEBOOK
from boardpack.template import assigned_names, check_template, template_parameters

PARAMETERS = ["borough", "period", "data_dir", "store_index", "output_dir", "census_fold", "crime_vintage", "alpha",
              "change_test", "pas_respondents", "pas_design_effect", "uss_respondents"]


def edited_copy(tmp_path, change=None, name="mine.ipynb"):
    """A copy of the template with its parameters cell's source passed through ``change``."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    if change is not None:
        cell.source = change(cell.source)
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def drop(*names):
    def change(source):
        return "\n".join(line for line in source.splitlines() if line.split("=")[0].strip() not in names)
    return change


def test_the_templates_parameters_are_read_from_its_tagged_cell():
    assert template_parameters() == PARAMETERS


def test_an_unchanged_or_extended_copy_is_accepted(tmp_path):
    assert check_template(edited_copy(tmp_path)) == (tmp_path / "mine.ipynb").resolve()
    extended = edited_copy(tmp_path, lambda s: s + "\nshow_extra_table = True  # a parameter of my own", "x.ipynb")
    assert check_template(extended) == extended.resolve()


def test_a_copy_lacking_parameters_is_refused_naming_them(tmp_path):
    path = edited_copy(tmp_path, drop("store_index", "census_fold"))
    with pytest.raises(OptionError) as info:
        check_template(path)
    assert info.value.option == f"--template {path}"
    assert "lacks the template's parameters store_index, census_fold" in str(info.value)
    assert "\n" not in str(info.value)


def test_one_missing_parameter_is_named_in_the_singular(tmp_path):
    with pytest.raises(OptionError, match=r"lacks the template's parameter borough — copy it back"):
        check_template(edited_copy(tmp_path, drop("borough")))


def test_a_copy_without_a_parameters_tag_is_refused(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        cell.metadata["tags"] = [t for t in cell.metadata.get("tags", []) if t != "parameters"]
    path = tmp_path / "untagged.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(OptionError, match="has no code cell tagged 'parameters'"):
        check_template(path)


def test_a_parameters_cell_that_is_not_python_is_refused(tmp_path):
    path = edited_copy(tmp_path, lambda s: s + "\nborough = = 'Camden'")
    with pytest.raises(OptionError, match=r"'parameters' cell is not valid Python \(line \d+"):
        check_template(path)


@pytest.mark.parametrize("kind, expected", [
    ("missing", "no such file"),
    ("folder", "this is a folder, not a notebook"),
    ("text", "not a Jupyter notebook (not valid JSON"),
    ("json", "not a Jupyter notebook (no notebook cells in it)"),
    ("binary", "not a Jupyter notebook"),
])
def test_what_is_not_a_notebook_is_refused(tmp_path, kind, expected):
    path = tmp_path / "template.ipynb"
    if kind == "folder":
        path.mkdir()
    elif kind == "text":
        path.write_text("borough = 'Camden'\n")
    elif kind == "json":
        path.write_text(json.dumps({"borough": "Camden"}))
    elif kind == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(OptionError) as info:
        check_template(path)
    assert str(info.value).startswith(f"--template {path}: {expected}")


def test_assigned_names_reads_plain_annotated_and_tuple_assignments():
    source = "a = 1\nb: str = 'x'\nc, (d, *e) = 1, (2, 3)\nf: int\nprint(g)\nimport h\n"
    assert assigned_names(source) == ["a", "b", "c", "d", "e"]
