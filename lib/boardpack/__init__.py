"""boardpack: Safer Neighbourhood Board performance summary packs for London boroughs."""

__version__ = "0.1.0"
