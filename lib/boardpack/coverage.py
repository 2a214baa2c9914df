"""Which sections of the pack the data supports for a period, and why not when it does not.

Each section needs a window of data ending at the pack's period (docs/data.md, "Which
periods each real source supports"). :func:`section_coverage` says for every section
whether that window is there, what the pack's "data to" label is, and, in plain English
for a board member, what is missing. :func:`data_periods` lists the periods each section
could be built for, so a period outside all of them is refused with a useful message.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property

import pandas as pd

from .coverage_record import Coverage
from .errors import CoverageError
from .metrics.confidence import GOOD_JOB
from .metrics.criminal_justice import ENGLAND_WALES, LONDON
from .metrics.custody import WINDOW_MONTHS as CUSTODY_MONTHS
from .metrics.ethnicity import census_year_for
from .metrics.stop_search import MIN_LOCATED_SHARE
from .periods import month_label, month_range, parse_month
from .registry import load_registry

SECTIONS = ("recorded_crime", "local_priorities", "commitments", "asb", "confidence", "victim_satisfaction",
            "complaints", "stop_search", "custody_visits", "criminal_justice")

TITLES = {
    "recorded_crime": "Recorded crime",
    "local_priorities": "Police and Crime Plan: local priorities",
    "commitments": "Police and Crime Plan: commitments",
    "asb": "Anti-social behaviour calls",
    "confidence": "Public confidence",
    "victim_satisfaction": "Victim satisfaction",
    "complaints": "Complaints",
    "stop_search": "Stop and search",
    "custody_visits": "Independent custody visiting",
    "criminal_justice": "Criminal justice",
}

ABSENT = {
    "crime": "No recorded crime file in the data folder; download the MPS Borough Level Crime files "
             "(see docs/data.md)",
    "asb": "ASB calls are not published by borough; supply asb/asb_calls.csv (see docs/data.md)",
    "pas": "No Public Attitude Survey file in the data folder; add the MOPAC PAS borough file to "
           "pas_confidence/ (see docs/data.md)",
    "victim_satisfaction": "The User Satisfaction Survey is not published by borough; supply "
                           "victim_satisfaction/uss.csv (see docs/data.md)",
    "complaint_allegations": "Complaints are not published by borough; supply complaints/allegations.csv "
                             "(see docs/data.md)",
    "workforce": "Borough workforce figures are not published; supply complaints/workforce.csv "
                 "(see docs/data.md)",
    "stop_search": "No stop and search records in the data folder; download the police.uk files into "
                   "stop_search/ (see docs/data.md)",
    "census_ethnicity": "No Census ethnicity file in the data folder, so search rates by ethnic group cannot be "
                        "worked out; add it to census_ethnicity/ (see docs/data.md)",
    "custody_visits": "Custody visiting reports are not published; supply custody_visits/icv_reports.csv "
                      "(see docs/data.md)",
    "criminal_justice": "Court timeliness and reoffending figures are not published in a usable form; supply "
                        "moj/criminal_justice.csv (see docs/data.md)",
    "commitments": "The plan's commitments tracker is not published as data; supply commitments/commitments.csv "
                   "(see docs/data.md)",
    "borough_shapes": "No borough boundary file in the data folder, so the map cannot be drawn; add the GLA "
                      "London_Borough_Excluding_MHW shapefile under boundaries/ (see docs/data.md)",
    "other_crime": "Knife crime, gun crime, domestic abuse, hate crime and child sexual exploitation are not in "
                   "the MPS borough-level files; supply other_crime/other_crime.csv (see docs/data.md)",
}

# Parts of a section that read a source of their own: when that source is missing, only the
# part shows its box and the rest of the section is still built. They are not sections, so a
# period is never refused or supported because of them.
PARTS = ("crime_rates", "homicide_victims", "stop_search_ethnicity", "complaint_outcomes", "confidence_drivers",
         "london_glance")
PART_TITLES = {
    "crime_rates": "Crime per 1,000 residents",
    "homicide_victims": "Homicide victims",
    "stop_search_ethnicity": "Stop and search by ethnic group",
    "complaint_outcomes": "Complaint allegation outcomes",
    "confidence_drivers": "What drives confidence",
    "london_glance": "London at a glance",
}
# The canonical table -> the source (docs/data.md) that produces it, to name its files.
TABLE_SOURCE = {
    "crime": "crime", "pas": "pas", "stop_search": "stop_search", "census_ethnicity": "census",
    "population": "population", "homicide": "homicide", "asb": "asb", "victim_satisfaction": "victim_satisfaction",
    "complaint_allegations": "complaints", "complaint_outcomes": "complaints", "workforce": "complaints",
    "custody_visits": "custody_visits", "criminal_justice": "criminal_justice", "commitments": "commitments",
    "other_crime": "other_crime", "borough_shapes": "boundaries",
}
ABSENT.update({
    "complaint_outcomes": "No outcomes file was supplied; add complaints/outcomes.csv (see docs/data.md)",
    "population": "No mid-year population file in the data folder; add the ONS mid-year estimates workbook to "
                  "population/ (see docs/data.md)",
    "homicide": "No MPS homicide dashboard file in the data folder; add it to mps_homicide/ (see docs/data.md)",
})
# The survey measure each section ranks every borough on against the MPS (the compute cell's
# borough_ranking): the quarter shown must have the MPS value and all 32 boroughs' values.
RANKED_MEASURES = {"pas": GOOD_JOB, "victim_satisfaction": "overall"}
SURVEY_NAMES = {"pas": "Public Attitude Survey", "victim_satisfaction": "User Satisfaction Survey"}

CRIME_MONTHS = 24
ASB_MONTHS = 24
COMPLAINT_MONTHS = 24
STOP_SEARCH_MONTHS = 13
SURVEY_MONTHS = 3
JUSTICE_MONTHS = 12
COMMITMENT_MONTHS = 12  # a tracker stays current for a year



def describe_months(months) -> str:
    """Name a set of months in words, joining consecutive runs.

    Parameters
    ----------
    months : iterable of str
        ``YYYY-MM`` months.

    Returns
    -------
    str
        E.g. ``"March 2018 to February 2019"`` or ``"February 2018, April 2018 and June 2018"``.
    """
    ordinals = sorted({parse_month(m).ordinal for m in months})
    runs: list[list[int]] = []
    for o in ordinals:
        if runs and o == runs[-1][1] + 1:
            runs[-1][1] = o
        else:
            runs.append([o, o])
    words = [_run_words(a, b) for a, b in runs]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _run_words(a: int, b: int) -> str:
    first, last = (str(pd.Period(ordinal=o, freq="M")) for o in (a, b))
    return month_label(first) if a == b else f"{month_label(first)} to {month_label(last)}"


class _Facts:
    """The months present in each table, read once per store."""

    def __init__(self, store):
        self.store = store

    def has(self, table: str) -> bool:
        return self.store.has(table)

    def missing(self, table: str) -> str:
        """Why ``table`` is not there, naming the file when one was found but held no data."""
        entry = getattr(self.store, "sources", {}).get(TABLE_SOURCE.get(table, table), {})
        if entry.get("status") == "empty":
            return f"{entry['problem']}; supply the complete file (see docs/data.md)"
        if entry.get("problem"):
            return entry["problem"]
        return ABSENT[table]

    def set_aside(self, table: str) -> list[str]:
        """Files of the table's source that held no data and were set aside."""
        entry = getattr(self.store, "sources", {}).get(TABLE_SOURCE.get(table, table), {})
        return list(entry.get("empty_files", [])) if entry.get("status") == "ok" else []

    def files(self, table: str) -> str:
        """The data files of the table's source, for a reason to name (empty when none are known)."""
        entry = getattr(self.store, "sources", {}).get(TABLE_SOURCE.get(table, table), {})
        paths = sorted({f["path"] for f in entry.get("files", []) if isinstance(f, dict) and f.get("path")})
        if len(paths) > 3:
            return f"{paths[0]} … {paths[-1]}"
        return ", ".join(paths)

    def in_files(self, table: str) -> str:
        """``" (pas_confidence/a.csv, pas_confidence/b.csv)"``, or "" when the files are not known."""
        files = self.files(table)
        return f" ({files})" if files else ""

    def ranked_areas(self, table: str) -> dict[str, set[str]]:
        """Quarter end -> the areas with a value of the measure the section ranks (RANKED_MEASURES)."""
        return self._ranked_areas[table]

    @cached_property
    def _ranked_areas(self) -> dict[str, dict[str, set[str]]]:
        out = {}
        for table, measure in RANKED_MEASURES.items():
            if not self.has(table):
                out[table] = {}
                continue
            df = self.store.table(table)
            df = df[(df["measure"] == measure) & df["proportion"].notna()]
            out[table] = {str(q): set(g["area_code"]) for q, g in df.groupby("quarter_end")}
        return out

    @cached_property
    def justice_both(self) -> set[str]:
        """Period ends at which some criminal justice measure has both London and England and Wales values."""
        if not self.has("criminal_justice"):
            return set()
        df = self.store.table("criminal_justice")
        df = df[df["area"].isin([LONDON, ENGLAND_WALES]) & df["value"].notna()]
        both = df.groupby(["measure", "period_end"])["area"].nunique()
        return {str(p) for (_, p) in both[both == 2].index}

    @cached_property
    def custody_latest(self) -> dict[str, list[str]]:
        """GSS code -> the quarter ends of the borough's custody visiting reports, oldest first."""
        if not self.has("custody_visits"):
            return {}
        df = self.store.table("custody_visits")
        return {str(c): sorted(set(g["quarter_end"].astype(str))) for c, g in df.groupby("area_code")}

    @cached_property
    def census_years(self) -> set[int]:
        if not self.has("census_ethnicity"):
            return set()
        return {int(y) for y in self.store.table("census_ethnicity")["census_year"].unique()}

    @cached_property
    def population_years(self) -> set[int]:
        """Mid-years for which the population table has every one of the 32 boroughs (and so the MPS).

        The same rule as :func:`boardpack.metrics.rates.population_for` over the 32 boroughs,
        which ``crime_rates`` uses for the borough and the MPS alike.
        """
        if not self.has("population"):
            return set()
        codes = load_registry().codes
        df = self.store.table("population")
        per_year = df[df["area_code"].isin(codes)].groupby("year")["area_code"].nunique()
        return {int(y) for y in per_year[per_year == len(codes)].index}

    @cached_property
    def homicide_last(self) -> str | None:
        if not self.has("homicide"):
            return None
        months = self.store.table("homicide")["month"].astype(str)
        return str(months.max()) if len(months) else None

    def months(self, table: str, column: str) -> set[str]:
        return set(self.store.table(table)[column].astype(str)) if self.has(table) else set()

    @cached_property
    def crime(self) -> dict[str, set[str]]:
        if not self.has("crime"):
            return {}
        df = self.store.table("crime")[["vintage", "month"]].drop_duplicates()
        return {v: set(g["month"].astype(str)) for v, g in df.groupby("vintage")}

    def complete_months(self, table: str) -> set[str]:
        """Months in which each of the 32 boroughs has a row (the MPS line is their sum)."""
        if not self.has(table):
            return set()
        codes = load_registry().codes
        df = self.store.table(table)
        df = df[df["area_code"].isin(codes)]
        per_month = df.groupby("month")["area_code"].nunique()
        return set(per_month[per_month == len(codes)].index.astype(str))

    def boroughs_short(self, table: str, months: list[str]) -> list[str]:
        """The boroughs (names) with no row in ``table`` for some month of ``months``."""
        registry = load_registry()
        df = self.store.table(table)
        seen = df[df["month"].isin(months)].groupby("area_code")["month"].nunique()
        return [registry.by_code(c).name for c in registry.codes if seen.get(c, 0) < len(months)]

    def workforce_short(self, period: str) -> list[str]:
        """The boroughs with no workforce figure at or before ``period``."""
        registry = load_registry()
        df = self.store.table("workforce")
        have = set(df.loc[df["month"].astype(str) <= period, "area_code"])
        return [registry.by_code(c).name for c in registry.codes if c not in have]

    @cached_property
    def asb(self) -> set[str]:
        return self.complete_months("asb")

    @cached_property
    def allegations(self) -> set[str]:
        return self.complete_months("complaint_allegations")

    @cached_property
    def stop_search(self) -> pd.DataFrame:
        if not self.has("stop_search"):
            return pd.DataFrame(columns=["records", "located"])
        df = self.store.table("stop_search")[["month", "location_status"]]
        df = df.assign(located=df["location_status"] == "borough")
        out = df.groupby("month").agg(records=("located", "size"), located=("located", "sum"))
        out.index = out.index.astype(str)
        return out

    @cached_property
    def quarter_ends(self) -> dict[str, set[str]]:
        return {
            "pas": self.months("pas", "quarter_end"),
            "victim_satisfaction": self.months("victim_satisfaction", "quarter_end"),
            "custody_visits": self.months("custody_visits", "quarter_end"),
            # Only period ends a London-against-England-and-Wales comparison can be made at.
            "criminal_justice": self.justice_both,
            "workforce": self.months("workforce", "month"),
            "commitments": self.months("commitments", "as_at"),
        }

    def all_months(self) -> set[str]:
        found = set().union(*self.crime.values()) if self.crime else set()
        found |= self.asb | self.allegations | set(self.stop_search.index)
        for months in self.quarter_ends.values():
            found |= months
        return found


def _names(names: list[str], most: int = 5) -> str:
    """``"Camden"``, ``"Camden and Brent"``, or the first few and how many more."""
    if not names:
        return "at least one borough"
    if len(names) > most:
        return f"{', '.join(names[:most])} and {len(names) - most} other boroughs"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _unavailable(section, needed, missing, reason, sources) -> Coverage:
    return Coverage(section, False, None, list(needed), sorted(missing), reason, list(sources))


def _window(section: str, facts: _Facts, period: str, table: str, months: int, what: str,
            missing_what: str | None = None) -> Coverage:
    """A section shown for the latest ``table`` period within ``months`` months to ``period``.

    ``missing_what`` names what is missing when nothing falls in the window (``what`` by default).
    """
    needed = month_range(period, months)
    sources = [table] if facts.has(table) else []
    if not sources:
        return _unavailable(section, needed, needed, facts.missing(table), sources)
    inside = sorted(set(needed) & facts.quarter_ends[table])
    if not inside:
        earlier = sorted(m for m in facts.quarter_ends[table] if m <= period)
        latest = f"; the latest is {month_label(earlier[-1])}" if earlier else ""
        return _unavailable(section, needed, needed,
                            f"No {missing_what or what} for {describe_months(needed)} in the data folder{latest}",
                            sources)
    if table in RANKED_MEASURES:
        gap = _ranking_gap(facts, table, inside[-1])
        if gap:
            return _unavailable(section, needed, [], gap, sources)
    return Coverage(section, True, inside[-1], needed, [], f"{what[0].upper()}{what[1:]} to {month_label(inside[-1])}",
                    sources)


def _ranking_gap(facts: _Facts, table: str, quarter: str) -> str | None:
    """Why the survey results of ``quarter`` cannot rank every borough against the MPS, or None.

    The section ranks the 32 boroughs on its measure (RANKED_MEASURES) and compares the borough
    with the MPS, so the quarter shown needs the MPS value and a value for every borough.
    """
    registry = load_registry()
    have = facts.ranked_areas(table).get(quarter, set())
    short = [registry.by_code(c).name for c in registry.codes if c not in have]
    lacking = ([] if "MPS" in have else ["the MPS"]) + short
    if not lacking:
        return None
    return (f"{SURVEY_NAMES[table]} results for the quarter ending {month_label(quarter)}{facts.in_files(table)} "
            "have no "
            f"{RANKED_MEASURES[table]!r} value for {_names(lacking)}; the pack ranks every borough against the MPS, "
            "so the quarter needs all 32 boroughs and the MPS")


def _recorded_crime(facts: _Facts, period: str) -> Coverage:
    needed = month_range(period, CRIME_MONTHS)
    if not facts.crime:
        return _unavailable("recorded_crime", needed, needed, facts.missing("crime"), [])
    # One edition (vintage) must hold all 24 months: categories differ between editions.
    best = min(facts.crime.values(), key=lambda months: (len(set(needed) - months), -len(months)))
    missing = set(needed) - best
    if missing:
        return _unavailable(
            "recorded_crime", needed, missing,
            f"No recorded crime for {describe_months(missing)} in the data folder (the pack compares the 12 months "
            f"to {month_label(period)} with the 12 before, all from one edition of the MPS file)", ["crime"])
    return Coverage("recorded_crime", True, period, needed, [],
                    f"Recorded crime for {describe_months(needed)}", ["crime"])


def _asb(facts: _Facts, period: str) -> Coverage:
    needed = month_range(period, ASB_MONTHS)
    if not facts.has("asb"):
        return _unavailable("asb", needed, needed, facts.missing("asb"), [])
    missing = set(needed) - facts.asb
    current = set(needed[-12:])
    if current & missing:
        short = facts.boroughs_short("asb", sorted(current & missing))
        return _unavailable(
            "asb", needed, missing,
            f"ASB calls for {describe_months(current & missing)} are missing for {_names(short)} in the data "
            "(the MPS line is the sum of the 32 boroughs, so each borough needs a row for each month)", ["asb"])
    reason = f"ASB calls for {describe_months(set(needed) - missing)}"
    if missing:
        reason += f"; {describe_months(missing)} are not in the data, so the chart shows " \
                  f"{ASB_MONTHS - len(missing)} of {ASB_MONTHS} months"
    return Coverage("asb", True, period, needed, sorted(missing), reason, ["asb"])


def _complaints(facts: _Facts, period: str) -> Coverage:
    needed = month_range(period, COMPLAINT_MONTHS)
    sources = [t for t in ("complaint_allegations", "complaint_outcomes", "workforce") if facts.has(t)]
    for table in ("complaint_allegations", "workforce"):
        if not facts.has(table):
            return _unavailable("complaints", needed, needed, facts.missing(table), sources)
    missing = set(needed) - facts.allegations
    if missing:
        short = facts.boroughs_short("complaint_allegations", sorted(missing))
        return _unavailable(
            "complaints", needed, missing,
            f"Complaint allegations for {describe_months(missing)} are missing for {_names(short)} in the "
            "data (every borough is ranked, so each needs a row for each month)", sources)
    short = facts.workforce_short(period)
    if short:
        return _unavailable("complaints", needed, [],
                            f"No workforce figure at or before {month_label(period)} for {_names(short)}, so "
                            "allegations per 100 workforce cannot be worked out", sources)
    reason = f"Complaint allegations for {describe_months(needed)}"
    if not facts.has("complaint_outcomes"):
        reason += "; no outcomes file was supplied, so the outcomes chart is left out"
    return Coverage("complaints", True, period, needed, [], reason, sources)


def _stop_search(facts: _Facts, period: str) -> Coverage:
    needed = month_range(period, STOP_SEARCH_MONTHS)
    sources = ["stop_search"] if facts.has("stop_search") else []
    if not sources:
        return _unavailable("stop_search", needed, needed, facts.missing("stop_search"), sources)
    counts = facts.stop_search
    missing = set(needed) - set(counts.index)
    if missing:
        aside = facts.set_aside("stop_search")
        because = f" ({', '.join(aside)} held no data rows and was set aside)" if aside else ""
        return _unavailable("stop_search", needed, missing,
                            f"No stop and search records for {describe_months(missing)} in the data folder{because}",
                            sources)
    reason = f"Stop and search records for {describe_months(needed)}"
    window = counts.loc[needed]
    # The same rule as the section's n/a months (metrics.stop_search.MIN_LOCATED_SHARE).
    unlocated = window[window["located"] < MIN_LOCATED_SHARE * window["records"]].index
    if len(unlocated):
        reason += (f"; too few of the searches in {describe_months(unlocated)} can be placed in a borough, "
                   "so those months cannot be split by borough")
    return Coverage("stop_search", True, period, needed, [], reason, sources)


def _stop_search_ethnicity(facts: _Facts, period: str, searches: Coverage) -> Coverage:
    """Search rates by ethnic group need the searches and a Census of the residents."""
    needed = month_range(period, STOP_SEARCH_MONTHS)
    sources = [t for t in ("stop_search", "census_ethnicity") if facts.has(t)]
    if not searches.available:
        return _unavailable("stop_search_ethnicity", needed, searches.months_missing, searches.reason, sources)
    if not facts.has("census_ethnicity"):
        return _unavailable("stop_search_ethnicity", needed, [], facts.missing("census_ethnicity"), sources)
    wanted = census_year_for(period)
    years = facts.census_years
    if wanted in years:
        return Coverage("stop_search_ethnicity", True, searches.data_to, needed, [],
                        f"Census {wanted} populations", sources, {"census_year": wanted, "census_note": ""})
    if wanted == 2021 and 2011 in years:  # the documented fallback (docs/data.md)
        aside = facts.set_aside("census_ethnicity")
        why = (f"{', '.join(aside)} held no data rows" if aside
               else "the data folder has no Census 2021 ethnicity file")
        note = (f"Census 2021 populations would be used for a pack to {month_label(period)}, but {why}, so the "
                "rates use Census 2011 populations, which are further out of date.")
        return Coverage("stop_search_ethnicity", True, searches.data_to, needed, [], note, sources,
                        {"census_year": 2011, "census_note": note})
    aside = facts.set_aside("census_ethnicity")
    why = f"{', '.join(aside)} held no data rows" if aside else "the data folder has no such file"
    return _unavailable(
        "stop_search_ethnicity", needed, [],
        f"Search rates by ethnic group need Census {wanted} populations for a pack to {month_label(period)}, but "
        f"{why}; add it to census_ethnicity/ (see docs/data.md)", sources)


def _crime_rates(facts: _Facts, period: str, crime: Coverage) -> Coverage:
    """Offences per 1,000 residents need the recorded crime and a mid-year population."""
    needed = month_range(period, 12)
    if not crime.available:
        return _unavailable("crime_rates", needed, crime.months_missing, crime.reason, crime.sources)
    if not facts.has("population"):
        return _unavailable("crime_rates", needed, [], facts.missing("population"), ["crime"])
    year = parse_month(period).year
    usable = [y for y in facts.population_years if y <= year]
    if not usable:
        return _unavailable("crime_rates", needed, [],
                            f"The population file{facts.in_files('population')} has no mid-year estimate for every "
                            f"borough at or before {year}", ["crime", "population"])
    return Coverage("crime_rates", True, period, needed, [], f"Mid-{max(usable)} population estimates",
                    ["crime", "population"], {"population_year": max(usable)})


def _homicide_victims(facts: _Facts, period: str) -> Coverage:
    """Homicide victims in the 12 months to the period and the 12 before."""
    needed = month_range(period, CRIME_MONTHS)
    if not facts.has("homicide"):
        return _unavailable("homicide_victims", needed, needed, facts.missing("homicide"), [])
    last = facts.homicide_last
    if last is None or last < period:
        return _unavailable(
            "homicide_victims", needed, [m for m in needed if last is None or m > last],
            f"The homicide file ends in {month_label(last)}, before {month_label(period)}" if last
            else "The homicide file has no victims at all", ["homicide"])
    return Coverage("homicide_victims", True, period, needed, [], f"Homicide victims to {month_label(period)}",
                    ["homicide"])


def _complaint_outcomes(facts: _Facts, period: str, complaints: Coverage) -> Coverage:
    """The outcomes chart needs the complaints section and the optional outcomes file."""
    if not complaints.available:
        return replace(complaints, section="complaint_outcomes")
    if not facts.has("complaint_outcomes"):
        return _unavailable("complaint_outcomes", complaints.months_needed, [], facts.missing("complaint_outcomes"),
                            complaints.sources)
    return Coverage("complaint_outcomes", True, period, complaints.months_needed, [],
                    f"Complaint outcomes to {month_label(period)}", ["complaint_outcomes"])


def _commitments(facts: _Facts, period: str) -> Coverage:
    """The plan's commitments: the latest tracker in the :data:`COMMITMENT_MONTHS` months to the period."""
    if not facts.has("commitments"):
        return _unavailable("commitments", [period], [period], facts.missing("commitments"), [])
    needed = month_range(period, COMMITMENT_MONTHS)
    inside = sorted(set(needed) & facts.quarter_ends["commitments"])
    if not inside:
        earlier = sorted(m for m in facts.quarter_ends["commitments"] if m <= period)
        first = min(facts.quarter_ends["commitments"], default=None)
        said = (f"; the latest is as at {month_label(earlier[-1])}" if earlier
                else f"; the first is as at {month_label(first)}" if first else "")
        return _unavailable("commitments", needed, needed,
                            f"No commitments tracker as at {describe_months(needed)} in "
                            f"{facts.files('commitments') or 'commitments/'}{said}", ["commitments"])
    return Coverage("commitments", True, inside[-1], needed, [], f"Commitments as at {month_label(inside[-1])}",
                    ["commitments"])


def _london_glance(facts: _Facts, period: str, rates: Coverage) -> Coverage:
    """The map of every borough's crime rate needs the rates and the borough outlines."""
    if not rates.available:
        return replace(rates, section="london_glance")
    if not facts.has("borough_shapes"):
        return _unavailable("london_glance", rates.months_needed, [], facts.missing("borough_shapes"), rates.sources)
    return replace(rates, section="london_glance", sources=[*rates.sources, "borough_shapes"])


def _assess_parts(facts: _Facts, period: str, sections: dict[str, Coverage]) -> dict[str, Coverage]:
    parts_rates = _crime_rates(facts, period, sections["recorded_crime"])
    return {
        "crime_rates": parts_rates,
        "homicide_victims": _homicide_victims(facts, period),
        "stop_search_ethnicity": _stop_search_ethnicity(facts, period, sections["stop_search"]),
        "complaint_outcomes": _complaint_outcomes(facts, period, sections["complaints"]),
        "confidence_drivers": replace(sections["confidence"], section="confidence_drivers"),
        "london_glance": _london_glance(facts, period, parts_rates),
    }


def _assess(facts: _Facts, period: str) -> dict[str, Coverage]:
    crime = _recorded_crime(facts, period)
    return {
        "recorded_crime": crime,
        "local_priorities": replace(crime, section="local_priorities"),
        "commitments": _commitments(facts, period),
        "asb": _asb(facts, period),
        "confidence": _window("confidence", facts, period, "pas", SURVEY_MONTHS, "Public Attitude Survey results"),
        "victim_satisfaction": _window("victim_satisfaction", facts, period, "victim_satisfaction", SURVEY_MONTHS,
                                       "User Satisfaction Survey results"),
        "complaints": _complaints(facts, period),
        "stop_search": _stop_search(facts, period),
        "custody_visits": _window("custody_visits", facts, period, "custody_visits", CUSTODY_MONTHS,
                                  "custody visiting reports"),
        "criminal_justice": _window("criminal_justice", facts, period, "criminal_justice", JUSTICE_MONTHS,
                                    "criminal justice figures",
                                    "criminal justice figures with both London and England and Wales values"),
    }


def section_coverage(store, period: str) -> dict[str, Coverage]:
    """Say, for each section of the pack, whether the data supports ``period``.

    Parameters
    ----------
    store : boardpack.store.Store
        Or any object with ``has(table)`` and ``table(name)``.
    period : str
        The pack's last month, ``YYYY-MM``.

    Returns
    -------
    dict of str to Coverage
        Keyed by section id, in :data:`SECTIONS` order, then by the ids of :data:`PARTS`.

    Raises
    ------
    CoverageError
        If no section at all can be built for ``period``; the message lists the periods
        each section supports.
    BoardPackError
        If ``period`` is not a ``YYYY-MM`` month.
    """
    parse_month(period)
    facts = _Facts(store)
    result = _assess(facts, period)
    if not any(c.available for c in result.values()):
        raise CoverageError(_refusal(period, _periods(facts)))
    result["custody_visits"] = _custody_reports(facts, period, result["custody_visits"])
    return {**result, **_assess_parts(facts, period, result)}


def _custody_reports(facts: _Facts, period: str, cov: Coverage) -> Coverage:
    """Keep, for :func:`for_borough`, each borough's latest custody report at or before ``period``."""
    if not cov.available:
        return cov
    latest = {code: max(q for q in ends if q <= period)
              for code, ends in facts.custody_latest.items() if any(q <= period for q in ends)}
    return replace(cov, details={**cov.details, "latest_report": latest, "files": facts.files("custody_visits")})


def for_borough(coverage: dict[str, Coverage], gss_code: str, name: str) -> dict[str, Coverage]:
    """The coverage of one borough's pack: :func:`section_coverage` with the rules that depend on the borough.

    The custody visiting report is the borough panel's own: the section needs a report from
    the borough for a quarter ending in the :data:`CUSTODY_MONTHS` months to the period
    (the window ``metrics.custody.latest_report`` is given). Every other rule holds for all
    boroughs alike.

    Parameters
    ----------
    coverage : dict of str to Coverage
        From :func:`section_coverage` (or its cache) for the pack's period.
    gss_code, name : str
        The borough.

    Returns
    -------
    dict of str to Coverage
        The same keys; ``custody_visits`` unavailable, naming the borough, when it has no report
        in the window, else with ``data_to`` the borough's quarter.
    """
    out = dict(coverage)
    cov = out.get("custody_visits")
    if cov is None or not cov.available or "latest_report" not in cov.details:
        return out
    quarter = cov.details["latest_report"].get(gss_code)
    if quarter in cov.months_needed:
        out["custody_visits"] = replace(cov, data_to=quarter)
        return out
    latest = f"; its latest is for the quarter ending {month_label(quarter)}" if quarter else ""
    files = f" ({cov.details['files']})" if cov.details.get("files") else ""
    out["custody_visits"] = _unavailable(
        "custody_visits", cov.months_needed, cov.months_needed,
        f"No custody visiting report for {name} for {describe_months(cov.months_needed)} in the data "
        f"folder{files}{latest}", cov.sources)
    return out


def data_periods(store) -> dict[str, list[tuple[str, str]]]:
    """The periods for which each section of the pack can be built.

    Parameters
    ----------
    store : boardpack.store.Store
        Or any object with ``has(table)`` and ``table(name)``.

    Returns
    -------
    dict of str to list of (str, str)
        For each section id, the runs ``(first, last)`` of consecutive supported periods,
        oldest first; an empty list when the section cannot be built for any period.
    """
    return _periods(_Facts(store))


def _periods(facts: _Facts) -> dict[str, list[tuple[str, str]]]:
    months = facts.all_months()
    runs: dict[str, list[tuple[str, str]]] = {s: [] for s in SECTIONS}
    if not months:
        return runs
    # A section can still be built up to a year after its last data (criminal justice's window),
    # but never for a month that has not yet come.
    from . import periods as clock

    first = parse_month(min(months))
    last = min(parse_month(max(months)) + JUSTICE_MONTHS - 1, clock.current_month())
    for ordinal in range(first.ordinal, last.ordinal + 1):
        period = str(pd.Period(ordinal=ordinal, freq="M"))
        for section, cov in _assess(facts, period).items():
            if not cov.available:
                continue
            if runs[section] and str(parse_month(runs[section][-1][1]) + 1) == period:
                runs[section][-1] = (runs[section][-1][0], period)
            else:
                runs[section].append((period, period))
    return runs


def _refusal(period: str, periods: dict[str, list[tuple[str, str]]]) -> str:
    lines = [f"The data folder has no data for any section of a pack to {month_label(period)}."]
    supported = [(s, r) for s, r in periods.items() if r]
    if not supported:
        lines.append("No section can be built for any period: the data folder holds none of the files "
                     "described in docs/data.md.")
    else:
        lines.append("Periods the data supports:")
        for section, runs in supported:
            spans = ", ".join(month_label(a) if a == b else f"{month_label(a)} to {month_label(b)}" for a, b in runs)
            lines.append(f"  {TITLES[section]}: {spans}")
    return "\n".join(lines)
