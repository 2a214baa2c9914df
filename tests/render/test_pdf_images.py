"""Plain PNGs reach the PDF with their own compressed rows; the image drawn is unchanged."""

import base64
import io

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader
from weasyprint.images import RasterImage

from boardpack.render.pdf import html_to_pdf
from boardpack.render import pdf_images
from boardpack.render.pdf_images import ENCODER, _idat_chunks, idat_data, png_rows_passed_through

PAGE = '<html lang="en-GB"><head><title>T</title></head><body><h1>Chart</h1>{body}</body></html>'


def _png(mode: str, size=(60, 40), **save) -> bytes:
    rng = np.random.default_rng(7)
    channels = {"RGB": 3, "RGBA": 4, "L": None}[mode]
    shape = (size[1], size[0]) if channels is None else (size[1], size[0], channels)
    pixels = rng.integers(0, 256, shape, dtype=np.uint8)
    if mode == "RGBA":
        pixels[..., 3] = 255
        pixels[:5, :5, 3] = 0
    buf = io.BytesIO()
    Image.fromarray(pixels, mode).save(buf, format="png", compress_level=3, **save)
    return buf.getvalue()


def _pdf_with(png: bytes) -> bytes:
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return html_to_pdf(PAGE.format(body=f'<img src="{src}" alt="a chart"/>'))


def _drawn(pdf: bytes) -> Image.Image:
    (image,) = PdfReader(io.BytesIO(pdf)).pages[0].images
    return image.image


@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_plain_png_goes_in_with_its_own_rows_and_the_same_pixels(mode):
    png = _png(mode)
    pdf = _pdf_with(png)
    rows = _idat_chunks(png)
    assert rows and rows in pdf  # the chart's own zlib stream, not one WeasyPrint encoded again
    drawn = _drawn(pdf)
    source = Image.open(io.BytesIO(png))
    assert drawn.size == source.size and drawn.mode == source.mode
    assert drawn.tobytes() == source.tobytes()


def test_png_with_alpha_takes_weasyprints_path_and_draws_the_same():
    png = _png("RGBA")
    assert idat_data(Image.open(io.BytesIO(png))) is None
    pdf = _pdf_with(png)
    assert _idat_chunks(png) not in pdf
    drawn = _drawn(pdf)  # the colour and, as its soft mask, the alpha channel
    assert drawn.mode == "RGBA" and drawn.tobytes() == Image.open(io.BytesIO(png)).tobytes()


def test_only_8_bit_plain_pngs_opened_from_memory_pass():
    assert idat_data(Image.open(io.BytesIO(_png("RGB")))) is not None
    palette = io.BytesIO()
    Image.open(io.BytesIO(_png("RGB"))).convert("P").save(palette, format="png")
    assert idat_data(Image.open(io.BytesIO(palette.getvalue()))) is None
    deep = io.BytesIO()
    Image.fromarray(np.full((4, 4), 4000, dtype=np.uint16)).save(deep, format="png")
    assert idat_data(Image.open(io.BytesIO(deep.getvalue()))) is None
    decoded = Image.open(io.BytesIO(_png("RGB")))
    decoded.load()
    assert idat_data(decoded.copy()) is None  # no longer the file's rows
    assert idat_data(Image.new("RGB", (2, 2))) is None


def test_damaged_png_is_left_to_weasyprint():
    png = _png("RGB")
    assert _idat_chunks(png) is not None
    assert _idat_chunks(png[:-20]) is None  # no IEND
    assert _idat_chunks(b"GIF89a" + png[8:]) is None


def test_weasyprints_own_encoder_is_back_after_the_block_even_on_error():
    own = vars(RasterImage)[ENCODER]
    with pytest.raises(RuntimeError):
        with png_rows_passed_through():
            assert vars(RasterImage)[ENCODER] is not own
            raise RuntimeError
    assert vars(RasterImage)[ENCODER] is own


@pytest.fixture
def encoder_moved(monkeypatch, caplog):
    """As with a WeasyPrint release whose encoder has another name: the suite's stand-in must not be used."""
    pdf_images._say_encoder_moved.cache_clear()
    monkeypatch.setattr(pdf_images, "ENCODER", "_encoder_of_a_later_release")
    yield caplog
    pdf_images._say_encoder_moved.cache_clear()


def test_where_the_encoder_has_moved_the_pdf_takes_weasyprints_path_and_draws_the_same(encoder_moved):
    png = _png("RGB")
    before = dict(vars(RasterImage))
    pdf = _pdf_with(png)
    _pdf_with(png)
    assert dict(vars(RasterImage)) == before  # nothing replaced
    assert _idat_chunks(png) not in pdf  # WeasyPrint encoded the rows itself
    assert _drawn(pdf).tobytes() == Image.open(io.BytesIO(png)).tobytes()
    said = [r.getMessage() for r in encoder_moved.records if r.name == pdf_images.__name__]
    assert len(said) == 1 and "WeasyPrint's own encoder" in said[0]  # one line, however many PDFs


def test_an_encoder_of_another_shape_is_not_stood_in_for(monkeypatch):
    monkeypatch.setattr(RasterImage, ENCODER, staticmethod(lambda image, quality: b""))
    assert pdf_images.weasyprint_encoder() is None
    monkeypatch.setattr(RasterImage, ENCODER, lambda self, image: b"")  # no longer a static method
    assert pdf_images.weasyprint_encoder() is None
    monkeypatch.delattr(RasterImage, ENCODER)
    assert pdf_images.weasyprint_encoder() is None
