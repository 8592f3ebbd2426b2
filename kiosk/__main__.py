import sys

from kiosk.commands import main

sys.exit(main())
