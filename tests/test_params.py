"""The parameters YAML, the template's parameters cell and the committed template agree."""

import json
import re

import papermill as pm
import yaml

from boardpack.batch import load_defaults, notebook_parameters
from boardpack.paths import NOTEBOOK, PARAMS_DIR


def test_every_key_passed_to_the_notebook_is_a_notebook_parameter(registry):
    declared = set(pm.inspect_notebook(str(NOTEBOOK)))
    params = notebook_parameters(load_defaults(), registry.boroughs[0], "2019-02", "", "index.json", "out")
    unknown = set(params) - declared
    assert not unknown, f"papermill would only warn about these: {sorted(unknown)}"
    assert set(load_defaults()["notebook"]) <= declared


def test_boroughs_yaml_is_complete():
    doc = yaml.safe_load((PARAMS_DIR / "boroughs.yaml").read_text())
    assert len(doc["boroughs"]) == 32
    for b in doc["boroughs"]:
        assert set(b) == {"name", "gss_code", "slug", "variants"}
        assert re.fullmatch(r"E090000(0[2-9]|[12]\d|3[0-3])", b["gss_code"])


def test_template_is_committed_clean_and_thin():
    nb = json.loads(NOTEBOOK.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), (
        "clear outputs before committing")
    params = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
    assert len(params) == 1
    for c in code:
        src = "".join(c["source"])
        assert not re.search(r"^\s*(def|class)\s", src, re.M), "the template holds no def or class: put logic in lib/"
        assert c["metadata"].get("tags"), "every code cell carries a stable tag"
