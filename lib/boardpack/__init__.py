"""boardpack: Safer Neighbourhood Board performance summary packs for London boroughs."""

import sys

__version__ = "0.1.0"

# nbformat validates notebooks with jsonschema, which on import compiles the Lark grammars of
# `rfc3987_syntax` for its "iri" format checker (over a second per process; jsonschema issue
# #1428). No notebook schema uses that format, so the processes of the suite skip the module:
# jsonschema then leaves that one checker out, as it does when the package is not installed.
sys.modules.setdefault("rfc3987_syntax", None)
