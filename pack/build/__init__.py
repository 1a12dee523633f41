"""The build: prepare -> execute (papermill, in warm kernels) -> render (nbconvert) -> manifest,
and the audit of a built pack (``verify``, ``diff``).

Only this sub-package imports papermill, nbclient and nbconvert; notebooks never import it.
"""

from pack.build.audit import diff_packs, verify
from pack.build.results import BuildResult, NotebookResult
from pack.build.run import build

__all__ = ["BuildResult", "NotebookResult", "build", "diff_packs", "verify"]
