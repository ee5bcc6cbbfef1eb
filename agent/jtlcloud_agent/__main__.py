"""Allow `python -m jtlcloud_agent`."""

import sys

from jtlcloud_agent.cli import main

sys.exit(main())
