"""The Police and Crime Plan as configured in ``params/local_priorities.yaml``.

The file names the plan periods, the priorities every borough reports under each, the combinations
of recorded crime rows a priority may add up, and each borough's chosen volume crimes. This module
reads and checks it and answers one question: which plan is in force for a pack's period, and
which priority rows does the borough report under it (:func:`plan_for`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import ConfigurationError
from .periods import check_month
from .registry import load_registry, params_file

FILE = "local_priorities.yaml"
ASB = "Anti-social behaviour"


@dataclass(frozen=True)
class Baseline:
    """The 2013-16 plan's baseline year and reduction target."""

    label: str
    first_month: str
    last_month: str
    target_pct: float


@dataclass(frozen=True)
class PlanInForce:
    """The plan a pack reports against, and the borough's priority rows under it.

    Attributes
    ----------
    label : str
        The plan's name, e.g. ``"Police and Crime Plan 2017-21"``.
    first_month, last_month : str
        Its months as configured.
    ended : bool
        True when the pack's period is after the plan's last month (no later plan is configured).
    priorities : tuple of str
        The rows, in order: the borough's volume crimes, then the mandatory priorities.
    volume_crimes : tuple of str
        Those of ``priorities`` the borough chose.
    source : str
        Where the borough's choice comes from; ``"default"`` when it is the file's default (the
        pack then says "priorities as configured").
    combinations : dict
        Priority name -> the recorded crime rows it adds up.
    baseline : Baseline or None
        The MOPAC 7 baseline and target, for the 2013-16 plan.
    """

    label: str
    first_month: str
    last_month: str
    ended: bool
    priorities: tuple[str, ...]
    volume_crimes: tuple[str, ...]
    source: str
    combinations: dict
    baseline: Baseline | None

    @property
    def as_configured(self) -> bool:
        """True when the borough's volume crimes are the file's default, not a published choice."""
        return self.volume_crimes != () and self.source == "default"


def load_plans(path: str | Path | None = None) -> dict:
    """Read and check ``params/local_priorities.yaml`` (or another file of the same shape).

    Raises
    ------
    ConfigurationError
        Naming the file and the entry, when a plan lacks a field, a month is malformed, plans
        overlap, a borough is unknown or missing, or a borough lists the wrong number of volume crimes.
    """
    path = Path(path) if path else params_file(FILE)
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    plans = doc.get("plans") or []
    if not plans:
        raise ConfigurationError(f"{path}: no plans are listed under 'plans:'")
    for i, plan in enumerate(plans):
        for key in ("label", "first_month", "last_month", "mandatory", "volume_crimes"):
            if key not in plan:
                raise ConfigurationError(f"{path}: plan {i + 1} ({plan.get('label', '?')}) has no {key!r}")
        for key in ("first_month", "last_month"):
            try:
                check_month(str(plan[key]))
            except Exception as exc:
                raise ConfigurationError(f"{path}: plan {plan['label']!r}: {key} {plan[key]!r} is not YYYY-MM") from exc
        if str(plan["first_month"]) > str(plan["last_month"]):
            raise ConfigurationError(f"{path}: plan {plan['label']!r} ends before it starts")
    ordered = sorted(plans, key=lambda p: str(p["first_month"]))
    for a, b in zip(ordered, ordered[1:]):
        if str(b["first_month"]) <= str(a["last_month"]):
            raise ConfigurationError(f"{path}: plans {a['label']!r} and {b['label']!r} overlap")
    registry = load_registry()
    boroughs = {}
    for label, entry in (doc.get("boroughs") or {}).items():
        try:
            code = registry.get(str(label)).gss_code
        except Exception as exc:
            raise ConfigurationError(f"{path}: {label!r} under 'boroughs:' is not one of the 32 MPS boroughs") from exc
        boroughs[code] = entry or {}
    missing = [registry.by_code(c).name for c in registry.codes if c not in boroughs]
    if missing:
        raise ConfigurationError(f"{path}: no entry under 'boroughs:' for {', '.join(missing)}")
    return {"plans": ordered, "combinations": doc.get("combinations") or {}, "boroughs": boroughs, "path": path}


def plan_for(period: str, gss_code: str, config: dict | None = None) -> PlanInForce:
    """The plan in force for a pack to ``period`` and the borough's priority rows under it.

    The plan whose months hold ``period``; before the first plan, an error; after the last plan's end,
    the most recent plan with ``ended`` True.

    Raises
    ------
    ConfigurationError
        If no plan had started by ``period``, or the borough lists the wrong number of volume crimes.
    """
    config = config or load_plans()
    check_month(period)
    started = [p for p in config["plans"] if str(p["first_month"]) <= period]
    if not started:
        first = config["plans"][0]
        raise ConfigurationError(f"{config['path']}: no Police and Crime Plan is configured for {period}; the first "
                                 f"({first['label']}) starts in {first['first_month']}")
    plan = started[-1]
    entry = config["boroughs"][gss_code]
    wanted = int(plan["volume_crimes"])
    chosen = tuple(str(c) for c in (entry.get("volume_crimes") or ()))[:wanted] if wanted else ()
    if len(chosen) < wanted:
        raise ConfigurationError(f"{config['path']}: {plan['label']} asks for {wanted} volume crimes; the entry for "
                                 f"{gss_code} lists {len(chosen)}")
    mandatory = tuple(str(m) for m in plan["mandatory"])
    baseline = plan.get("baseline")
    return PlanInForce(
        label=str(plan["label"]), first_month=str(plan["first_month"]), last_month=str(plan["last_month"]),
        ended=period > str(plan["last_month"]),
        priorities=chosen + tuple(m for m in mandatory if m not in chosen),
        volume_crimes=chosen, source=str(entry.get("source", "default")),
        combinations={str(k): tuple(v) for k, v in config["combinations"].items()},
        baseline=Baseline(str(baseline["label"]), str(baseline["first_month"]), str(baseline["last_month"]),
                          float(baseline["target_pct"])) if baseline else None,
    )
