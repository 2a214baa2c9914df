"""Download the real public files into a data folder laid out as docs/data.md describes.

The catalogue (``fetch_catalogue.yaml``) names each file's publisher URL and its place in
the layout. A download is streamed to a temporary file beside its target and renamed only
once complete and, where the catalogue gives a sha256, verified, so an interrupted or
altered download never leaves a file the loaders would read.

Nothing here prints: :func:`fetch` returns one :class:`Result` per entry and logs its progress;
the command line (``run_all.py fetch``, in :mod:`boardpack.cli`) prints the summary.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from tqdm import tqdm

from .atomic import open_atomic
from .errors import BoardPackError, FetchError, OptionError
from .log import get_logger

log = get_logger(__name__)

CATALOGUE = Path(__file__).resolve().parent / "fetch_catalogue.yaml"
BASE_URL_ENV = "BOARDPACK_FETCH_BASE_URL"
CHUNK = 1 << 16
TIMEOUT = 60


@dataclass(frozen=True)
class Target:
    """One file to write into the data folder (a whole download, or one member of a zip)."""

    path: str
    sha256: str | None = None
    member: str | None = None


@dataclass(frozen=True)
class Entry:
    """One catalogue entry: a download and the file(s) it becomes."""

    id: str
    group: str
    publisher: str
    page: str
    url: str | None
    targets: tuple[Target, ...] = field(default=())
    manual: str | None = None


@dataclass(frozen=True)
class Result:
    """What happened to one catalogue entry: ``downloaded``, ``present``, ``manual`` or ``failed``."""

    id: str
    status: str
    detail: str = ""


def load_catalogue(path: str | Path | None = None) -> list[Entry]:
    """Read the catalogue of public files.

    Parameters
    ----------
    path : str or Path, optional
        Another YAML file of the same shape; the package's own by default.

    Returns
    -------
    list of Entry

    Raises
    ------
    BoardPackError
        If an entry has neither a ``url`` with a target nor ``manual`` instructions.
    """
    doc = yaml.safe_load(Path(path or CATALOGUE).read_text(encoding="utf-8"))
    entries = []
    for item in doc["files"]:
        if item.get("members"):
            targets = tuple(Target(m["target"], m.get("sha256"), m["member"]) for m in item["members"])
        elif item.get("target"):
            targets = (Target(item["target"], item.get("sha256")),)
        else:
            targets = ()
        if not item.get("manual") and not (item.get("url") and targets):
            raise BoardPackError(f"catalogue entry {item.get('id')!r} needs a url and a target, or manual instructions")
        entries.append(Entry(item["id"], item.get("group", item["id"]), item.get("publisher", ""),
                             item.get("page", ""), item.get("url"), targets, item.get("manual")))
    return entries


def rewrite_url(url: str, base_url: str | None) -> str:
    """Point ``url`` at a mirror: replace its scheme and host by ``base_url``'s.

    Parameters
    ----------
    url : str
        The publisher URL.
    base_url : str or None
        E.g. ``http://127.0.0.1:8000`` or ``https://mirror.example/boardpack``; a path in it
        is put in front of the URL's path. None leaves ``url`` unchanged.

    Returns
    -------
    str
    """
    if not base_url:
        return url
    base = urllib.parse.urlsplit(base_url)
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(scheme=base.scheme, netloc=base.netloc,
                                                  path=base.path.rstrip("/") + parts.path))


def content_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes, uncompressed first when it is a ``.gz`` file."""
    h = hashlib.sha256()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        while block := fh.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def _is_present(data_dir: Path, target: Target) -> bool:
    path = data_dir / target.path
    if not path.is_file():
        return False
    try:
        return target.sha256 is None or content_sha256(path) == target.sha256.lower()
    except (OSError, EOFError):  # a truncated .gz is not present
        return False


def _download(url: str, dest: Path, label: str, progress: bool) -> None:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response, open(dest, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=label, disable=not progress, leave=False) as bar:
                while block := response.read(CHUNK):
                    out.write(block)
                    bar.update(len(block))
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{label}: {url} answered HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"{label}: could not download {url} ({reason})") from None


def _place(data: bytes | Path, data_dir: Path, target: Target, label: str) -> None:
    """Verify the bytes and write them to the target, gzip-compressed when it ends in ``.gz``."""
    raw = data.read_bytes() if isinstance(data, Path) else data
    # A server may send a gzip body for a plain target; the checksum is of the plain bytes.
    if raw[:2] == b"\x1f\x8b" and not target.path.endswith(".gz"):
        raw = gzip.decompress(raw)
    if target.sha256 and hashlib.sha256(raw).hexdigest() != target.sha256.lower():
        raise FetchError(
            f"{label}: checksum mismatch for {target.path} (expected sha256 {target.sha256}, got "
            f"{hashlib.sha256(raw).hexdigest()}); the file was not kept. The publisher may have re-issued it: "
            "check the file, then update fetch_catalogue.yaml"
        )
    dest = data_dir / target.path
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open_atomic(dest, "wb", suffix=".part") as fh:
        if target.path.endswith(".gz") and raw[:2] != b"\x1f\x8b":
            # mtime=0 keeps the compressed bytes (and so the store's input hash) reproducible
            with gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
                gz.write(raw)
        else:
            fh.write(raw)


def fetch_entry(entry: Entry, data_dir: Path, base_url: str | None = None, progress: bool = True) -> Result:
    """Download one catalogue entry into ``data_dir`` unless its files are already there.

    Parameters
    ----------
    entry : Entry
    data_dir : Path
    base_url : str, optional
        Mirror to use instead of the publisher's host (see :func:`rewrite_url`).
    progress : bool
        Show a progress bar.

    Returns
    -------
    Result

    Raises
    ------
    FetchError
        On an HTTP error, an unreachable host, a zip without a listed member, or a checksum mismatch.
    """
    if entry.manual:
        return Result(entry.id, "manual", f"{entry.manual} ({entry.page})")
    if all(_is_present(data_dir, t) for t in entry.targets):
        return Result(entry.id, "present")
    url = rewrite_url(entry.url, base_url)
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=data_dir) as tmp:
        download = Path(tmp) / "download"
        _download(url, download, entry.id, progress)
        if entry.targets[0].member is None:
            _place(download, data_dir, entry.targets[0], entry.id)
        else:
            _extract(download, data_dir, entry)
    return Result(entry.id, "downloaded", url)


def _extract(archive: Path, data_dir: Path, entry: Entry) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            names = set(zf.namelist())
            for target in entry.targets:
                if target.member not in names:
                    raise FetchError(f"{entry.id}: the downloaded zip has no file {target.member}")
                if not _is_present(data_dir, target):
                    _place(zf.read(target.member), data_dir, target, entry.id)
    except zipfile.BadZipFile:
        raise FetchError(f"{entry.id}: the download is not a valid zip file") from None


def fetch(data_dir, only=None, base_url=None, progress=True, catalogue=None) -> list[Result]:
    """Download the catalogue's public files into ``data_dir``.

    Parameters
    ----------
    data_dir : str or Path
        The data folder to fill (created if needed).
    only : iterable of str, optional
        Entry ids or groups to fetch; all entries by default.
    base_url : str, optional
        Mirror for every download; defaults to ``$BOARDPACK_FETCH_BASE_URL`` when set.
    progress : bool
        Show a progress bar per file.
    catalogue : str or Path, optional
        Another catalogue file.

    Returns
    -------
    list of Result
        One per selected entry (:func:`summarise` words them).

    Raises
    ------
    OptionError
        If ``only`` names an unknown entry or group (``--only``).
    FetchError
        If any download failed, after trying the others; its ``results`` attribute holds every
        entry's :class:`Result`, the failed ones included.
    """
    data_dir = Path(data_dir)
    entries = load_catalogue(catalogue)
    if only:
        wanted = set(only)
        known = {e.id for e in entries} | {e.group for e in entries}
        if wanted - known:
            raise OptionError(f"--only {min(wanted - known)}",
                              f"unknown file or group — choose from {', '.join(sorted(known))}")
        entries = [e for e in entries if e.id in wanted or e.group in wanted]
    base_url = base_url or os.environ.get(BASE_URL_ENV) or None
    results = []
    for entry in entries:
        try:
            result = fetch_entry(entry, data_dir, base_url, progress)
        except BoardPackError as exc:
            result = Result(entry.id, "failed", str(exc))
        log.info("%s: %s%s", result.id, result.status, f" ({result.detail})" if result.detail else "")
        results.append(result)
    failed = [r for r in results if r.status == "failed"]
    if failed:
        error = FetchError("; ".join(r.detail for r in failed))
        error.results = results  # kept through a pickle: BaseException pickles its __dict__
        raise error
    return results


def summarise(results: list[Result], data_dir: Path) -> str:
    """A short plain-text report of a fetch: counts, then the by-hand steps and failures."""
    count = {s: sum(r.status == s for r in results) for s in ("downloaded", "present", "manual", "failed")}
    lines = [f"Data folder {data_dir}: {count['downloaded']} downloaded, {count['present']} already present, "
             f"{count['failed']} failed, {count['manual']} to fetch by hand."]
    lines += [f"  by hand  {r.id}: {r.detail}" for r in results if r.status == "manual"]
    lines += [f"  FAILED   {r.id}: {r.detail}" for r in results if r.status == "failed"]
    return "\n".join(lines)
