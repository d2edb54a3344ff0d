"""``python -m cxr_plugin build``: see :mod:`cxr_plugin.build`."""

import sys

from .build import main

sys.exit(main())
