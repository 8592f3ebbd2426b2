import sys

from server_stub.commands import main

sys.exit(main())
