"""``python -m graphbuild``: the same command line as the ``graphbuild`` script."""

import sys

from .cli import main

sys.exit(main())
