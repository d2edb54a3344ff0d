"""The plugin's logic, tested natively: `.venv/bin/python -m pytest -q`."""

from cxr_plugin import (
    {{test_uses}},
)
from {{lib}} import {{type}}
{{tests}}
