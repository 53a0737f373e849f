"""python -m pmo_analytics ... (see cli.py)."""

import sys

from pmo_analytics.cli import main

sys.exit(main())
