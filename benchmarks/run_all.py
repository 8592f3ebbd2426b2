"""`make bench`: every benchmark in turn, each printing its figures beside its peer or target.

Each runs in its own process (a fresh interpreter, as a kiosk or a server would start), one after
the other so they do not compete for the machine's cores.
"""

import subprocess
import sys
from pathlib import Path

BENCHMARKS = (
    "engine_vs_catsim.py",
    "calibration_vs_girth.py",
    "crypto_and_journal.py",
    "kiosk_app.py",
    "server_load.py",
)


def main() -> int:
    here = Path(__file__).resolve().parent
    failed = []
    for name in BENCHMARKS:
        print(f"\n=== {name} ===", flush=True)
        if subprocess.run([sys.executable, str(here / name)], check=False).returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
