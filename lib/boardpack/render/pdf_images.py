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
"""

from __future__ import annotations

import contextlib
import io
import struct
from collections.abc import Iterator

from weasyprint.images import RasterImage

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


@contextlib.contextmanager
def png_rows_passed_through() -> Iterator[None]:
    """Within the block, WeasyPrint takes a plain PNG's rows from the file itself (see the module).

    It replaces ``RasterImage._get_png_data``, where WeasyPrint re-encodes an image, for the
    block only, and puts WeasyPrint's own back after it. A process renders one PDF at a time, so
    nothing else sees the change.
    """
    own = vars(RasterImage)["_get_png_data"]  # the staticmethod itself, to put back as it was
    encode = RasterImage._get_png_data

    def rows(pillow_image):
        data = idat_data(pillow_image)
        return data if data is not None else encode(pillow_image)

    RasterImage._get_png_data = staticmethod(rows)
    try:
        yield
    finally:
        RasterImage._get_png_data = own
