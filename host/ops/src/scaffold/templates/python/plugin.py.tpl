"""{{name}}: a cxr plugin implementing {{hooks_text}}.

Test:   .venv/bin/python -m pytest -q
Build:  .venv/bin/python -m cxr_plugin build   ({{wasm}})
Check:  cxr test --plugin {{wasm}} cases.toml
"""
{{header}}
from cxr_plugin import (
    {{uses}},
)
{{items}}

class {{type}}({{implements}}):
    """The plugin: nothing to configure (the default configure accepts `{}`)."""

    DESCRIPTION = "{{description}}"
{{methods}}
