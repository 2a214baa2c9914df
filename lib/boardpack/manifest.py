"""The run manifest (the period's page is :mod:`boardpack.overview`)."""

from __future__ import annotations


from .provenance import git_commit, lock_sha256, package_versions
from .store import source_record



def build_manifest(run: dict, results: list[dict], store_sources: dict, sections: dict | None = None) -> dict:
    """The manifest document: the run as a whole, then each borough.

    Parameters
    ----------
    run : dict
        Period, data folder, options, start and end times.
    results : list of dict
        One :meth:`BuildResult.as_dict` per borough.
    store_sources : dict
        The store index's sources (input files with sha256, status: ``ok``, ``absent``, ``empty``).
    sections : dict, optional
        The run's section coverage (section id to :class:`boardpack.coverage.Coverage`), recorded
        as ``{"available", "reason", "data_to"}`` so a reader sees which sections are not
        available and why.
    """
    return {
        "run": {
            **run,
            "git_commit": git_commit(),
            "package_versions": package_versions(),
            "lock_sha256": lock_sha256(),
            "inputs": {name: source_record(s) for name, s in store_sources.items()},
            "sections": {
                name: {"available": bool(c.available), "reason": c.reason, "data_to": c.data_to}
                for name, c in (sections or {}).items()
            },
        },
        "boroughs": results,
    }
