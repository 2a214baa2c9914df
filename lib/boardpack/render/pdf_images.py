"""Opaque PNG charts go into the PDF as they are compressed, rather than decoded and compressed again.

A PDF image stream with ``/FlateDecode`` and PNG predictors (``/Predictor 15``) holds exactly what
a PNG file's IDAT chunks hold: the filtered rows, zlib-compressed. WeasyPrint writes every PNG that
way, but gets the rows by decoding the image with Pillow and encoding it again as a new PNG, at
Pillow's default zlib level: for a borough's 16 charts, a fifth of the PDF render (Sutton's took
a median 2.58 s that way and 2.06 s without, 8 paired renders). When the PNG it was given already
has the form the PDF needs (8-bit RGB or grey, not interlaced), :func:`png_rows_passed_through`
hands WeasyPrint that PNG's own IDAT data instead. The image drawn is the same, pixel for pixel; only the zlib stream in
the PDF differs (it is the chart's own, level 3: see :func:`boardpack.report.charts.figure_png`).
Anything else (a palette, an alpha channel, 16 bits, interlacing, a resized copy that WeasyPrint
made itself) takes WeasyPrint's own path unchanged.

WeasyPrint offers no public way to hand it an image's encoded rows, so this stands in for one
private method, :data:`ENCODER` of ``weasyprint.images.RasterImage``, and only behind a guard:
where a WeasyPrint release has moved or changed it, every image takes WeasyPrint's own path, with
one log line saying so, and the PDF shows the same pixels, a little more slowly.
pyproject.toml keeps WeasyPrint below its next major release.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import io
import logging
import struct
from collections.abc import Iterator

from weasyprint.images import RasterImage

# WeasyPrint's static method that encodes a Pillow image's rows for a PDF image stream (70.x).
ENCODER = "_get_png_data"

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The modes whose IDAT rows are already the samples a PDF image of that colour space reads.
_PLAIN_MODES = {"RGB", "L"}


def idat_data(image) -> bytes | None:
    """The compressed rows of a PNG that Pillow has opened but not decoded, if a PDF can take them as they are.

    Parameters
    ----------
    image : PIL.Image.Image
        As ``PIL.Image.open`` returns it, reading from a :class:`io.BytesIO`.

    Returns
    -------
    bytes or None
        The IDAT chunks' data joined, when the file is an 8-bit, non-interlaced RGB or grey PNG
        (so its rows are the image's samples with PNG filters, as ``/Predictor 15`` reads
        them); None when the image needs decoding first.
    """
    if getattr(image, "format", None) != "PNG" or image.mode not in _PLAIN_MODES:
        return None
    if image.info.get("interlace") or len(image.tile) != 1:
        return None
    codec, _box, _offset, rawmode = image.tile[0][:4]
    if codec != "zip" or rawmode != image.mode:  # e.g. "RGB;16B" or "L;4": not 8-bit samples
        return None
    fp = getattr(image, "fp", None)
    if not isinstance(fp, io.BytesIO):
        return None
    return _idat_chunks(fp.getvalue())


def _idat_chunks(png: bytes) -> bytes | None:
    """Every IDAT chunk's data in file order, or None if ``png`` is not a well-formed PNG."""
    if not png.startswith(_SIGNATURE):
        return None
    parts, at = [], len(_SIGNATURE)
    while at + 8 <= len(png):
        length, kind = struct.unpack_from(">I4s", png, at)
        start = at + 8
        if start + length + 4 > len(png):
            return None
        if kind == b"IDAT":
            parts.append(png[start:start + length])
        elif kind == b"IEND":
            return b"".join(parts) if parts else None
        at = start + length + 4
    return None


def weasyprint_encoder() -> staticmethod | None:
    """WeasyPrint's own encoder as its class holds it, if it is there and takes one image; else None."""
    own = vars(RasterImage).get(ENCODER)
    if not isinstance(own, staticmethod):
        return None
    try:
        takes = list(inspect.signature(own.__func__).parameters.values())
    except (TypeError, ValueError):
        return None
    return own if len(takes) == 1 and takes[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD else None


@functools.cache
def _say_encoder_moved() -> None:
    import weasyprint

    logging.getLogger(__name__).warning(
        "WeasyPrint %s has no %s.%s taking one image: charts go into the PDF through WeasyPrint's own "
        "encoder (the same pixels, a slower render)", weasyprint.__version__, RasterImage.__name__, ENCODER)


@contextlib.contextmanager
def png_rows_passed_through() -> Iterator[None]:
    """Within the block, WeasyPrint takes a plain PNG's rows from the file itself (see the module).

    It stands in for WeasyPrint's :data:`ENCODER` for the block only, and puts WeasyPrint's own
    back after it; a process renders one PDF at a time, so nothing else sees the change. Where
    that method is not what the suite expects (:func:`weasyprint_encoder`), the block changes
    nothing and one line is logged, once per process.
    """
    own = weasyprint_encoder()
    if own is None:
        _say_encoder_moved()
        yield
        return
    encode = own.__func__

    def rows(pillow_image):
        data = idat_data(pillow_image)
        return data if data is not None else encode(pillow_image)

    setattr(RasterImage, ENCODER, staticmethod(rows))
    try:
        yield
    finally:
        setattr(RasterImage, ENCODER, own)
