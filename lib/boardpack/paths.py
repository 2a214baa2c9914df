"""Where the project's own folders are, so no module guesses from the working directory."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
PARAMS_DIR = Path(os.environ.get("BOARDPACK_PARAMS_DIR", PROJECT_DIR / "params"))
NOTEBOOK = PROJECT_DIR / "notebooks" / "board_pack.ipynb"
OUTPUTS_DIR = PROJECT_DIR / "outputs"
# Generated, git-ignored: the demo dataset and the prepared Parquet store.
CACHE_DIR = Path(os.environ.get("BOARDPACK_CACHE_DIR", PROJECT_DIR / ".cache"))
DEMO_DATA_DIR = CACHE_DIR / "demo-data"
STORE_DIR = CACHE_DIR / "store"
