"""Rendering an executed board-pack notebook to HTML and A4 PDF through nbconvert's extension points."""
