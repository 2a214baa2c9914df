"""Planning a run: which boroughs, with which parameters, and which are already up to date."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml

from ..hashing import file_sha256, text_sha256, tree_sha256
from ..paths import NOTEBOOK, PACKAGE_DIR, PARAMS_DIR
from ..registry import Borough, load_registry, params_file
from ..store import Store
from .jobs import STAMP, BuildJob, BuildResult, has_every_output, read_stamp


def load_defaults(path: Path | None = None) -> dict:
    """``params/defaults.yaml``: run defaults and the notebook's default parameters."""
    return yaml.safe_load((path or params_file("defaults.yaml")).read_text(encoding="utf-8"))


def notebook_parameters(defaults: dict, borough: Borough, period: str, data_dir: str, store_index: str,
                        output_dir: str, overrides: dict | None = None) -> dict:
    """The parameters one borough's notebook is run with: ``{**defaults, **borough}``."""
    per_borough = {"borough": borough.name, "period": period, "data_dir": data_dir,
                   "store_index": store_index, "output_dir": output_dir}
    return {**defaults.get("notebook", {}), **(overrides or {}), **per_borough}


def code_key(template: Path = NOTEBOOK) -> str:
    """A hash of everything that shapes a pack besides its data: template, lib code, params."""
    return text_sha256(file_sha256(template), tree_sha256(PACKAGE_DIR), tree_sha256(PARAMS_DIR))


def job_key(code: str, store: Store, parameters: dict) -> str:
    """The incremental-build key of one borough: code, data hashes and its parameters."""
    data = [f"{n}:{f['path']}:{f['sha256']}" for n, s in sorted(store.sources.items()) for f in s["files"]]
    stable = {k: v for k, v in parameters.items() if k not in ("output_dir", "store_index")}
    return text_sha256(code, *data, json.dumps(stable, sort_keys=True))


def select_boroughs(names: list[str] | None) -> list[Borough]:
    """Boroughs by name or slug (all 32 when ``names`` is empty), in registry order, no repeats."""
    registry = load_registry()
    if not names:
        return list(registry.boroughs)
    wanted = {registry.get(n).gss_code for n in names}
    return [b for b in registry.boroughs if b.gss_code in wanted]


def plan_jobs(boroughs: list[Borough], period: str, store_index: Path, store: Store, data_dir: str,
              output_root: Path, force: bool, overrides: dict | None = None,
              template: Path = NOTEBOOK) -> list[BuildJob]:
    """One :class:`BuildJob` per borough."""
    defaults = load_defaults()
    code = code_key(template)
    jobs = []
    for b in boroughs:
        out = output_root / period / b.slug
        params = notebook_parameters(defaults, b, period, data_dir, str(store_index), str(out), overrides)
        jobs.append(BuildJob(b, period, params, out, job_key(code, store, params), force, template))
    return jobs


def is_up_to_date(job: BuildJob) -> bool:
    """Whether the borough's last good build used the same inputs (template, lib, params, data, period)."""
    if job.force:
        return False
    doc = read_stamp(job.output_dir)
    return doc is not None and doc.get("input_key") == job.input_key and has_every_output(job.output_dir)


def skipped_result(job: BuildJob) -> BuildResult:
    """The result of a borough left as it is because nothing it depends on changed."""
    files = json.loads((job.output_dir / STAMP).read_text(encoding="utf-8"))["files"]
    return BuildResult.for_job(job, "skipped", files=files)


def settled_on_disk(job: BuildJob, since: dt.datetime) -> BuildResult | None:
    """The result of a borough whose worker was stopped after it published the new pack.

    A worker can be killed between publishing a pack and reporting it. The build stamp then
    already carries this job's input key (and a build time after ``since``): the pack on
    disk is this run's, complete, and is recorded as built.
    """
    doc = read_stamp(job.output_dir)
    try:
        built = dt.datetime.fromisoformat(doc["built"])
    except (KeyError, TypeError, ValueError):
        return None
    if doc.get("input_key") != job.input_key or built < since or not has_every_output(job.output_dir):
        return None
    return BuildResult.for_job(job, "built", files=doc.get("files", {}))
