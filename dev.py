#!/usr/bin/env python3
"""The two commands a newcomer needs, on a machine with only python3:

    python3 dev.py app     set up (.venv + requirements) and start the app; the demo portfolio loads on first start
    python3 dev.py test    set up and run every check: ruff, then pytest (browser tests need /usr/bin/chromium)

Extra arguments after `test` go to pytest (python3 dev.py test -k importer).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".requirements.sha256"


def setup() -> None:
    """Create .venv and install requirements.txt, again only when requirements.txt changed."""
    if not PYTHON.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    print("installing requirements ...", flush=True)
    run([PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", ROOT / "requirements.txt"])
    STAMP.write_text(wanted)


def run(cmd: list[object], **kwargs: object) -> None:
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT, **kwargs)  # type: ignore[arg-type]
    if code:
        sys.exit(code)


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("app", "test"):
        print(__doc__)
        sys.exit(2)
    setup()
    if argv[0] == "app":
        db = Path(os.environ.get("PMO_DB") or ROOT / "data" / "pmo.duckdb")
        if not db.exists():
            print(f"first start: loading the demo portfolio into {db} (about half a minute) ...", flush=True)
            run([PYTHON, "-m", "pmo_analytics", "demo", "--db", db])
        port = os.environ.get("PORT", "8501")
        print(
            f"starting PMO Analytics on http://localhost:{port} (the demo portfolio loads on first start)", flush=True
        )
        run(
            [
                PYTHON,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.port",
                port,
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                *argv[1:],
            ]
        )
        return
    run([PYTHON, "-m", "ruff", "check", "."])
    run([PYTHON, "-m", "ruff", "format", "--check", "."])
    run([PYTHON, "-m", "pytest", *argv[1:]])


if __name__ == "__main__":
    main(sys.argv[1:])
