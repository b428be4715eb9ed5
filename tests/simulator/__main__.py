"""Run the simulated outlet standalone: ``python -m tests.simulator --help``."""

import sys

from .cli import main

sys.exit(main())
