"""`python -m safeproxy` is the `safeproxy` command."""

import sys

from safeproxy.cli import main

sys.exit(main())
