"""Content hashes for inputs and outputs (the store key, incremental builds, the manifest)."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def text_sha256(*parts: str) -> str:
    """Hex sha256 of the given strings, each followed by a NUL separator."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def tree_sha256(root: str | Path, pattern: str = "**/*") -> str:
    """One hash over the relative paths and bytes of the files under ``root``."""
    root = Path(root)
    files = sorted(p for p in root.glob(pattern) if p.is_file() and "__pycache__" not in p.parts)
    return text_sha256(*(f"{p.relative_to(root)}:{file_sha256(p)}" for p in files))
