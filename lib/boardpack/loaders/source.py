"""The contract every source meets, so the store can treat all sources alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from ..registry import Registry


@dataclass(frozen=True)
class Source:
    """One public (or documented) input source.

    Attributes
    ----------
    name : str
        Short name, e.g. ``"crime"``; also the folder it is documented under in docs/data.md.
    description : str
        One line for the manifest and the method notes.
    discover : callable
        ``discover(data_dir) -> list[Path]``: the files of this source under ``data_dir``,
        sorted; an empty list when the source is absent (not an error).
    load : callable
        ``load(paths, registry) -> dict[str, DataFrame]``: parse and validate the files into
        canonical tables (see docs/data.md), raising DataValidationError on bad input.
    """

    name: str
    description: str
    discover: Callable[[Path], list[Path]]
    load: Callable[[list[Path], Registry], dict[str, pd.DataFrame]]
