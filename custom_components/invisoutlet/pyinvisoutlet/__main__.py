"""Run the command line: ``python -m pyinvisoutlet --help``."""

import sys

from .cli import main

# Only when run: importing every module (as a check of the package does) runs nothing.
if __name__ == "__main__":
    sys.exit(main())
