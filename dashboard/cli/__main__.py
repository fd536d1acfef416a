"""``python -m dashboard.cli``: the ``segmenta`` command without the installed script."""

import sys

from dashboard.cli import main

sys.exit(main())
