"""cxr: customer-experience routing with sandboxed WebAssembly plugins, in process.

Load a pipeline once, then decide interactions from any thread::

    import cxr

    pipeline = cxr.Pipeline.reference()           # or cxr.Pipeline.from_file("tenant.toml")
    decision = pipeline.decide({"id": "T-1", "body": "I was charged twice!"})
    decision["route"]["queue"]                     # 'billing'

Decisions are dicts with exactly the JSON the ``cxr`` command line prints.
Bad input raises :class:`InputError` (a ``ValueError``) naming the field;
anything that cannot be loaded raises :class:`CxrError`; a plugin that fails
gives the pipeline's fallback decision with ``error`` set.
"""

from ._cxr import CxrError, InputError, Pipeline, __version__, inspect

__all__ = ["CxrError", "InputError", "Pipeline", "__version__", "inspect"]
