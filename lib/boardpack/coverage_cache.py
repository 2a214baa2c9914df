"""The on-disk cache of the coverage rules' answer, one JSON file per data and period beside the store index.

The rules themselves are in :mod:`boardpack.coverage`; this module only keeps their answer, and
loads the rules only when there is no answer to read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from .atomic import write_json_atomic
from .coverage_record import Coverage

_RULES = Path(__file__).with_name("coverage.py")


def cached_section_coverage(store, period: str) -> dict[str, Coverage]:
    """:func:`boardpack.coverage.section_coverage`, worked out once per data and period and kept beside the store index.

    Coverage depends only on the prepared tables and the period, so the packs of one run share
    it instead of each scanning every table again. The cache file is named by a hash of the
    index and of the rules' source, so new or changed data, or changed rules, are never served
    a stale answer.

    Parameters
    ----------
    store : boardpack.store.Store
    period : str
        ``YYYY-MM``.

    Returns
    -------
    dict of str to Coverage
    """
    index_path = store.index_path
    key = hashlib.sha256(index_path.read_bytes() + _RULES.read_bytes()).hexdigest()[:16]
    path = index_path.with_name(f"coverage-{key}-{period}.json")
    if path.is_file():
        return {name: Coverage(**fields) for name, fields in json.loads(path.read_text(encoding="utf-8")).items()}
    from .coverage import section_coverage

    result = section_coverage(store, period)
    write_json_atomic(path, {name: asdict(cov) for name, cov in result.items()})
    return result
