"""The build: prepare -> execute (papermill, in warm kernels) -> render (nbconvert) -> manifest,
and the audit of a built pack (``verify``, ``diff``).

Only this sub-package imports papermill, nbclient and nbconvert; notebooks never import it.
"""

import sys

# nbformat imports jsonschema, which at import compiles the 38 grammars of the optional
# rfc3987-syntax package (installed with JupyterLab) to check the "iri" string format - about 1 s,
# most of a no-change rebuild - although no notebook schema uses that format. The build does
# without it; a process that imported it already keeps it.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from pack.pipeline.audit import diff_packs, verify  # noqa: E402
from pack.pipeline.request import BuildRequest  # noqa: E402
from pack.pipeline.results import BuildResult, NotebookResult  # noqa: E402
from pack.pipeline.run import build  # noqa: E402

__all__ = ["BuildRequest", "BuildResult", "NotebookResult", "build", "diff_packs", "verify"]
