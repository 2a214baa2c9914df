"""The 32 MPS boroughs and every spelling of them found in the public files.

One registry resolves names, slugs and GSS codes so that no loader carries its own
list of borough spellings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import ConfigurationError, UnknownBoroughError
from .paths import PARAMS_DIR, missing_message


@dataclass(frozen=True)
class Borough:
    """One London borough as the pack names it."""

    name: str
    gss_code: str
    slug: str
    variants: tuple[str, ...] = field(default=())


@lru_cache(maxsize=4096)  # loaders fold the same few dozen labels on every row
def normalise_name(text: str) -> str:
    """Fold a borough label to a comparison key.

    Case, surrounding and repeated white space, ``&`` for ``and``, punctuation and the
    prefixes "London Borough of" / "Royal Borough of" are ignored.

    Parameters
    ----------
    text : str
        A label as found in a file.

    Returns
    -------
    str
        The key, e.g. ``"barking and dagenham"``.
    """
    key = str(text).casefold().replace("&", " and ")
    key = re.sub(r"[^a-z0-9 ]+", " ", key)
    key = re.sub(r"\s+", " ", key).strip()
    key = re.sub(r"^(the )?(london|royal) borough of ", "", key)
    return key


class Registry:
    """Lookup of boroughs and non-borough areas by any known spelling.

    Parameters
    ----------
    boroughs : list of Borough
    non_borough : dict
        Maps a non-borough area code (``AIRPORTS``, ``UNKNOWN``, ...) to its label and variants.
    """

    def __init__(self, boroughs: list[Borough], non_borough: dict[str, dict]):
        self.boroughs = list(boroughs)
        self.non_borough = dict(non_borough)
        self._by_code = {b.gss_code: b for b in self.boroughs}
        self._by_key: dict[str, str] = {}
        for b in self.boroughs:
            for label in (b.name, b.slug, b.gss_code, *b.variants):
                self._by_key[normalise_name(label)] = b.gss_code
        self._area_by_key: dict[str, str] = {}
        for code, info in self.non_borough.items():
            for label in (code, info.get("label", code), *info.get("variants", [])):
                self._area_by_key[normalise_name(label)] = code

    @property
    def codes(self) -> list[str]:
        """GSS codes of the 32 boroughs, in registry order."""
        return [b.gss_code for b in self.boroughs]

    def get(self, text: str) -> Borough:
        """Return the borough for a name, variant, slug or GSS code.

        Raises
        ------
        UnknownBoroughError
            If ``text`` is not a known spelling of a borough.
        """
        code = self._by_key.get(normalise_name(text))
        if code is None:
            raise UnknownBoroughError(
                f"unknown borough {text!r}; expected one of the 32 MPS boroughs "
                f"(name, slug or GSS code), e.g. 'Waltham Forest' or 'waltham-forest'"
            )
        return self._by_code[code]

    def by_code(self, gss_code: str) -> Borough:
        """Return the borough with this GSS code."""
        try:
            return self._by_code[gss_code]
        except KeyError:
            raise UnknownBoroughError(f"unknown GSS code {gss_code!r}") from None

    def area_code(self, text: str) -> str | None:
        """Resolve any area label to a GSS code or a non-borough code.

        Returns
        -------
        str or None
            A GSS code for a borough, a non-borough code such as ``"AIRPORTS"`` or
            ``"UNKNOWN"``, or None when the label is not recognised at all.
        """
        key = normalise_name(text)
        return self._by_key.get(key) or self._area_by_key.get(key)


def params_file(name: str) -> Path:
    """A file of the project's ``params/`` folder (``boroughs.yaml``, ``defaults.yaml``).

    Raises
    ------
    ConfigurationError
        When the file is absent, naming the folder expected and how to point at another
        (``BOARDPACK_PROJECT_DIR``, or running from the project folder); see :mod:`boardpack.paths`.
    """
    path = PARAMS_DIR / name
    if not path.is_file():
        raise ConfigurationError(missing_message(path))
    return path


def project_file(path: Path) -> Path:
    """``path``, a file of the project folder (the template notebook), or a ConfigurationError saying where it
    was expected and how to point at the project."""
    if not Path(path).is_file():
        raise ConfigurationError(missing_message(Path(path)))
    return Path(path)


@lru_cache(maxsize=4)
def load_registry(path: str | Path | None = None) -> Registry:
    """Read ``params/boroughs.yaml`` into a :class:`Registry`.

    Parameters
    ----------
    path : str or Path, optional
        Another YAML file of the same shape; the project's own by default.
    """
    path = Path(path) if path else params_file("boroughs.yaml")
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    boroughs = [
        Borough(b["name"], b["gss_code"], b["slug"], tuple(b.get("variants") or ()))
        for b in doc["boroughs"]
    ]
    areas = {a["code"]: a for a in doc.get("non_borough_areas", [])}
    return Registry(boroughs, areas)
