"""python -m pmo_analytics ... (see cli.py)."""

import gc
import os
import sys

# A command runs once and ends: collect reference cycles every 100,000 allocations, not every 700. Loading pandas,
# pyarrow and DuckDB alone triggered ~180 collections (0.1-0.2 s of CPU in an import of a few seconds).
gc.set_threshold(100_000, 50, 100)

from pmo_analytics.cli import main  # noqa: E402 - after the threshold, which its imports already benefit from

exit_code = main()
# The work is done and every file and database is closed: skip the interpreter's teardown, whose last garbage
# collection walks every object pandas and pyarrow made (0.1-0.2 s of an import's 2 s) only to free memory the
# operating system takes back anyway.
try:
    sys.stdout.flush()
    sys.stderr.flush()
except BrokenPipeError:  # `... | head` closed the pipe: what it did not read is not wanted
    pass
os._exit(exit_code)
