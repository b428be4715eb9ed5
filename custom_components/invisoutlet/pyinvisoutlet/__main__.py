"""Run the command line: ``python -m pyinvisoutlet --help``."""

import sys

from .cli import main

sys.exit(main())
