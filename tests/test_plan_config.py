"""params/local_priorities.yaml: the plan in force for a period, the borough's rows, a bad file refused."""

from __future__ import annotations

import pytest
import yaml
from boardpack.errors import ConfigurationError
from boardpack.plan_config import load_plans, plan_for
from boardpack.registry import params_file

WALTHAM_FOREST = "E09000031"


def test_the_shipped_file_gives_each_period_its_plan():
    config = load_plans()
    assert plan_for("2015-12", WALTHAM_FOREST, config).label == "Police and Crime Plan 2013-16"
    plan = plan_for("2019-02", WALTHAM_FOREST, config)
    assert plan.label == "Police and Crime Plan 2017-21" and not plan.ended and plan.as_configured
    assert plan.priorities[:2] == plan.volume_crimes and "Sexual violence" in plan.priorities
    late = plan_for("2026-09", WALTHAM_FOREST, config)
    assert late.label == "Police and Crime Plan 2022-25" and late.ended
    assert plan_for("2015-12", WALTHAM_FOREST, config).baseline.target_pct == -20.0


def write(tmp_path, change):
    doc = yaml.safe_load(params_file("local_priorities.yaml").read_text(encoding="utf-8"))
    change(doc)
    path = tmp_path / "local_priorities.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, words", [
    (lambda d: d["plans"][0].pop("mandatory"), "has no 'mandatory'"),
    (lambda d: d["plans"][1].update(first_month="2017-13"), "is not YYYY-MM"),
    (lambda d: d["plans"][1].update(first_month="2016-01"), "overlap"),
    (lambda d: d["boroughs"].pop("Camden"), "no entry under 'boroughs:' for Camden"),
    (lambda d: d["boroughs"].update({"Gotham": {}}), "'Gotham' under 'boroughs:' is not one of the 32"),
])
def test_a_bad_file_is_refused_naming_the_entry(tmp_path, change, words):
    with pytest.raises(ConfigurationError, match=words):
        load_plans(write(tmp_path, change))


def test_too_few_volume_crimes_and_a_period_before_every_plan(tmp_path):
    config = load_plans(write(tmp_path, lambda d: d["boroughs"]["Waltham Forest"].update(
        volume_crimes=["Robbery (Total)"])))
    with pytest.raises(ConfigurationError, match="asks for 2 volume crimes"):
        plan_for("2019-02", WALTHAM_FOREST, config)
    with pytest.raises(ConfigurationError, match="no Police and Crime Plan is configured for 2012-01"):
        plan_for("2012-01", WALTHAM_FOREST, config)
