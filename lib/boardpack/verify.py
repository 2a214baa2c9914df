"""Dual running: rebuild recorded packs in a temporary folder and compare them byte for byte.

``run_all.py verify`` reads a period's ``manifest.json``, rebuilds the chosen boroughs with the
same data folder, parameters, template and fixed time (``SOURCE_DATE_EPOCH``) into a temporary
folder inside the output folder, and compares the sha256 of every output with the one the
manifest recorded. When the input files' hashes have changed since the build, a difference is
put down to the data, not to the code.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .batch import run_all
from .clock import ENV as SOURCE_DATE_EPOCH
from .errors import BoardPackError
from .hashing import file_sha256
from .log import get_logger
from .registry import load_registry

MANIFEST = "manifest.json"
GOOD = ("built", "skipped")
log = get_logger(__name__)


@dataclass
class Verdict:
    """One borough's comparison."""

    borough: str
    slug: str
    status: str  # identical | differs | not rebuilt | not recorded
    files: int = 0
    differing: list[str] = field(default_factory=list)
    cause: str = ""

    def line(self) -> str:
        """One line for the terminal."""
        if self.status == "identical":
            return f"{self.borough}: identical ({self.files} files)"
        if self.status == "differs":
            return f"{self.borough}: differs: {', '.join(self.differing)}" + (f" — {self.cause}" if self.cause else "")
        return f"{self.borough}: {self.status}" + (f" — {self.cause}" if self.cause else "")


@dataclass
class VerifyReport:
    """Every borough's verdict and what changed in the data or code since the build."""

    period: str
    verdicts: list[Verdict]
    data_changes: list[str]
    code_changes: list[str]

    @property
    def ok(self) -> bool:
        """True when every chosen borough rebuilt to identical bytes."""
        return bool(self.verdicts) and all(v.status == "identical" for v in self.verdicts)


def latest_period(output_root: Path) -> str:
    """The newest period folder under ``output_root`` that holds a manifest."""
    periods = sorted(p.name for p in output_root.glob("*/") if (p / MANIFEST).is_file())
    if not periods:
        raise BoardPackError(f"{output_root}: no built packs to verify (no <period>/{MANIFEST}); build them first")
    return periods[-1]


def read_manifest(output_root: Path, period: str) -> dict:
    """The period's manifest, or a clear error."""
    path = output_root / period / MANIFEST
    if not path.is_file():
        raise BoardPackError(f"{path}: no manifest for {period}; build the packs for that period first")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BoardPackError(f"{path}: the manifest cannot be read ({exc})") from None


def input_hashes(run: dict) -> dict[str, str]:
    """``{path inside the data folder: sha256}`` of every input file a run record lists."""
    return {f["path"]: f["sha256"] for source in run.get("inputs", {}).values() for f in source.get("files", [])}


def changed_inputs(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The input files added, removed or changed between two runs, in words."""
    out = [f"{p} changed" for p in sorted(before) if p in after and after[p] != before[p]]
    out += [f"{p} removed" for p in sorted(set(before) - set(after))]
    out += [f"{p} added" for p in sorted(set(after) - set(before))]
    return out


def changed_code(before: dict, after: dict) -> list[str]:
    """What differs between two runs' code and environment records."""
    out = []
    if before.get("git_commit") != after.get("git_commit"):
        out.append(f"git commit {before.get('git_commit')} → {after.get('git_commit')}")
    if before.get("template_sha256") != after.get("template_sha256"):
        out.append("the template notebook changed")
    if before.get("lock_sha256") != after.get("lock_sha256"):
        out.append("the lock file changed")
    old, new = before.get("package_versions", {}), after.get("package_versions", {})
    out += [f"{name} {old.get(name)} → {new.get(name)}" for name in sorted(set(old) | set(new))
            if old.get(name) != new.get(name)]
    return out


def compare(recorded: dict[str, str], rebuilt: dict[str, str]) -> list[str]:
    """The output files whose sha256 differ, or that only one build has."""
    return sorted(name for name in set(recorded) | set(rebuilt) if recorded.get(name) != rebuilt.get(name))


def disk_hashes(folder: Path, names) -> dict[str, str]:
    """The sha256 of each named output file in a borough's folder (missing files are left out)."""
    return {name: file_sha256(folder / name) for name in names if (folder / name).is_file()}


# Notebook parameters that say where, not how: every other recorded parameter is a method option
# (census fold, crime vintage, alpha, respondents) that the rebuild must use again.
_WHERE = frozenset({"borough", "period", "data_dir", "store_index", "output_dir"})


def _groups(entries: list[dict]) -> dict[tuple, list[dict]]:
    """Boroughs grouped by the method options they were built with (one rebuild per group)."""
    groups: dict[tuple, list[dict]] = {}
    for e in entries:
        params = e.get("parameters", {})
        key = tuple(sorted((k, v) for k, v in params.items() if k not in _WHERE and v is not None))
        groups.setdefault(key, []).append(e)
    return groups


def verify(period: str = "", boroughs: list[str] | None = None, output_dir: str | Path | None = None,
           jobs: int = 0, progress: bool = False) -> VerifyReport:
    """Rebuild the recorded packs of one period and compare every output's sha256.

    Parameters
    ----------
    period : str
        ``YYYY-MM``; the newest period with a manifest by default.
    boroughs : list of str, optional
        Names or slugs; every borough the manifest records as built by default.
    output_dir : str or Path
        The output folder the packs were built into.
    jobs : int
        Worker processes for the rebuild; 0 means one per core.
    progress : bool
        Show the rebuild's progress bar.

    Returns
    -------
    VerifyReport
    """
    output_root = Path(output_dir).resolve()
    period = period or latest_period(output_root)
    manifest = read_manifest(output_root, period)
    run = manifest["run"]
    recorded = {b["slug"]: b for b in manifest.get("boroughs", [])}
    registry = load_registry()
    wanted = [registry.get(n).slug for n in boroughs] if boroughs else [s for s, b in recorded.items()
                                                                        if b["status"] in GOOD]
    verdicts: dict[str, Verdict] = {}
    to_build = []
    for slug in wanted:
        entry = recorded.get(slug)
        name = registry.get(slug).name
        if entry is None or entry["status"] not in GOOD or not entry.get("files"):
            why = "no pack is recorded for it" if entry is None else f"its last build {entry['status']}"
            verdicts[slug] = Verdict(name, slug, "not recorded", cause=f"{why} in {period}/{MANIFEST}")
        else:
            to_build.append(entry)
    data_changes: list[str] = []
    code_changes: list[str] = []
    if to_build:
        scratch = Path(tempfile.mkdtemp(prefix=".verify-", dir=output_root))
        before = os.environ.get(SOURCE_DATE_EPOCH)
        try:
            if run.get("source_date_epoch") is not None:
                os.environ[SOURCE_DATE_EPOCH] = str(run["source_date_epoch"])
            for options, group in _groups(to_build).items():
                overrides = dict(options)
                log.info("verify: rebuilding %d borough(s) into %s", len(group), scratch)
                run_all([e["slug"] for e in group], period, run["data_dir"], scratch, jobs, True, progress,
                        overrides, run.get("template"))
            again = read_manifest(scratch, period)
            data_changes = changed_inputs(input_hashes(run), input_hashes(again["run"]))
            code_changes = changed_code(run, again["run"])
            rebuilt = {b["slug"]: b for b in again.get("boroughs", [])}
            for entry in to_build:
                slug, new = entry["slug"], rebuilt.get(entry["slug"], {})
                if new.get("status") not in GOOD:
                    verdicts[slug] = Verdict(entry["borough"], slug, "not rebuilt",
                                             cause=f"the rebuild failed: {new.get('error')}")
                    continue
                # The packs on disk must still be the ones recorded, and the rebuild must match them.
                on_disk = compare(entry["files"], disk_hashes(Path(entry["output_dir"]), entry["files"]))
                differing = sorted(set(on_disk) | set(compare(entry["files"], new.get("files", {}))))
                if not differing:
                    verdicts[slug] = Verdict(entry["borough"], slug, "identical", len(entry["files"]))
                    continue
                if on_disk:
                    cause = (f"{', '.join(on_disk)} on disk no longer match{'es' if len(on_disk) == 1 else ''} "
                             f"the sha256 in {MANIFEST}: changed after the build")
                elif data_changes:
                    cause = "the input data changed since the build: " + "; ".join(data_changes[:5])
                elif code_changes:
                    cause = "the code or environment changed since the build: " + "; ".join(code_changes[:5])
                else:
                    cause = "same data, code and environment: the build is not reproducible"
                verdicts[slug] = Verdict(entry["borough"], slug, "differs", len(entry["files"]), differing, cause)
        finally:
            if before is None:
                os.environ.pop(SOURCE_DATE_EPOCH, None)
            else:
                os.environ[SOURCE_DATE_EPOCH] = before
            shutil.rmtree(scratch, ignore_errors=True)
    return VerifyReport(period, [verdicts[s] for s in wanted], data_changes, code_changes)
