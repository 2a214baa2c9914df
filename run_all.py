#!/usr/bin/env python
"""Build the Safer Neighbourhood Board packs. See `python run_all.py --help`."""

import sys

from boardpack.cli import main

if __name__ == "__main__":
    sys.exit(main())
