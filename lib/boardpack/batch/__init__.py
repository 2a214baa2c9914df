"""Build board packs for many boroughs, in three layers:

- :mod:`.plan` — which boroughs, with which parameters, and which are already up to date;
- :mod:`.build` — one borough: execute the template, render, stamp, publish
  (:func:`run_borough`), run in worker processes by :mod:`.workers`;
- :mod:`.record` — the run's report, ``manifest.json`` and ``index.html``;

and :func:`run_all` (:mod:`.run`), which only calls those steps. :mod:`.jobs` holds the job and
result that pass between them; :mod:`.os_advice` says what to do about an error of the machine.
"""

from __future__ import annotations

from .build import run_borough, timed
from .jobs import AUDIT_NAME, NOTEBOOK_NAME, OUTPUT_FILES, STAMP, BuildJob, BuildResult
from .os_advice import FATAL_ERRNOS, describe_os_error, os_problem
from .plan import (
                   code_key,
                   is_up_to_date,
                   job_key,
                   load_defaults,
                   notebook_parameters,
                   plan_jobs,
                   select_boroughs,
                   settled_on_disk,
                   skipped_result,
)
from .record import SIGNAL_WORDS, RunReport, record_run
from .run import run_all
from .workers import StopRequest, execute_jobs

__all__ = [
    "AUDIT_NAME", "FATAL_ERRNOS", "NOTEBOOK_NAME", "OUTPUT_FILES", "SIGNAL_WORDS", "STAMP", "BuildJob", "BuildResult",
    "RunReport", "StopRequest", "code_key", "describe_os_error", "execute_jobs", "is_up_to_date", "job_key",
    "load_defaults", "notebook_parameters", "os_problem", "plan_jobs", "record_run", "run_all", "run_borough",
    "select_boroughs", "settled_on_disk", "skipped_result", "timed",
]
