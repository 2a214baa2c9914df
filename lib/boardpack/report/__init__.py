"""Presentation building blocks: charts, tables, narrative sentences, alt text and the figures record."""
