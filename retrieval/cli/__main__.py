"""``python -m retrieval.cli``: the same as the ``cratedigger`` console script.

Out of scope: everything else (``retrieval.cli.main``).
"""

from __future__ import annotations

import sys

from retrieval.cli.main import main

sys.exit(main())
