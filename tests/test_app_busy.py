"""Another process holding the database (an import from the command line) past $PMO_LOCK_TIMEOUT: the app says
so in one line with a button to try again, never an error box; once the file is free the page shows again."""

from __future__ import annotations

import subprocess
import sys

from streamlit.testing.v1 import AppTest

APP = "../app.py"
HOLD_DATABASE = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.readline()
con.close()
"""


def test_a_held_database_gives_a_message_and_a_retry(demo_copy, monkeypatch):
    monkeypatch.setenv("PMO_LOCK_TIMEOUT", "0.3")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_DATABASE, str(demo_copy)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
        assert not at.exception
        assert [w.value for w in at.warning] == [
            f"The database {demo_copy} is in use by another process (the app or another import); "
            "try again when it is done."
        ]
        assert [b.label for b in at.button] == ["Try again"]
        assert not at.metric  # nothing of the portfolio was drawn from a half-read database
    finally:
        holder.communicate("release\n", timeout=30)
    at.button[0].click().run()
    assert not at.exception and not at.warning
    assert len(at.metric) == 9  # the overview's KPI cards, read once the file was free
