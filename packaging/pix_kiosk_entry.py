"""Entry point of the packaged app (PyInstaller): the same `pix-kiosk` command, without Python.

`freeze_support` lets the packaged app act as its own multiprocessing child (doctor's display
probe runs in one).
"""

import multiprocessing
import sys

from kiosk.commands import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
