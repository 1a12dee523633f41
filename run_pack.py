#!/usr/bin/env python3
"""Build the Police and Crime Plan evidence pack. See README.md, or ``python run_pack.py --help``."""

import sys

from pack.cli import main

if __name__ == "__main__":
    sys.exit(main())
