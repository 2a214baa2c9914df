"""The audit edition's allow-list sanitizer keeps tables and text and drops anything that runs or loads."""

import pytest

from boardpack.render.sanitize import sanitize_html


@pytest.mark.parametrize("hostile, kept", [
    ("<script>alert(1)</script><p>ok</p>", "<p>ok</p>"),
    ('<img src=x onerror="alert(1)">', ""),
    ('<img src="https://evil.example/x.png" alt="x">', ""),
    ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="&#106;avascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="https://evil.example/">x</a>', "<a>x</a>"),
    ('<a href="#tbl-1" onclick="x()">x</a>', '<a href="#tbl-1">x</a>'),
    ('<p style="background:url(https://evil.example/b.png)">s</p>', "<p>s</p>"),
    ('<p style="color: red; text-align: right;">s</p>', '<p style="color: red; text-align: right;">s</p>'),
    ("<svg><script>alert(1)</script><text>t</text></svg><p>after</p>", "<p>after</p>"),
    ("<svg/><p>after</p>", "<p>after</p>"),
    ('<iframe src="https://evil.example/"></iframe><b>b</b>', "<b>b</b>"),
    ('<link rel="stylesheet" href="https://evil.example/a.css"><i>i</i>', "<i>i</i>"),
    ("<style>@import url(https://evil.example/a.css);</style><u>u</u>", "<u>u</u>"),
    ("<form action='https://evil.example/'><input name=q>text</form>", "text"),
    ("<!-- <script>alert(1)</script> --><p>c</p>", "<p>c</p>"),
])
def test_hostile_markup_is_dropped(hostile, kept):
    assert sanitize_html(hostile) == kept


def test_text_is_escaped_again():
    assert sanitize_html("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>") == (
        "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>")
    assert sanitize_html('<td title="&quot;><script>">x</td>') == '<td title="&quot;&gt;&lt;script&gt;">x</td>'


def test_an_output_cannot_close_the_page_around_it():
    assert sanitize_html("<p>a</div></section></main><b>b") == "<p>a<b>b</b></p>"


def test_tables_and_data_images_survive():
    table = ('<table class="data" id="t"><caption>C</caption><thead><tr><th scope="col" colspan="2">H</th></tr>'
             '</thead><tbody><tr><th scope="row">r</th><td class="num" data-x="1">1</td></tr></tbody></table>')
    assert sanitize_html(table) == table
    img = '<img src="data:image/png;base64,iVBORw0KGgo=" alt="Chart of things">'
    assert sanitize_html(img) == img


def test_headings_shift_down_and_stop_at_h6():
    assert sanitize_html("<h1>a</h1><h2>b</h2><h6>c</h6>", heading_shift=1) == "<h2>a</h2><h3>b</h3><h6>c</h6>"
