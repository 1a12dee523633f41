"""JupyterLab's view of the read-only copies: a contents manager that will not write them.

File permissions do not stop root: jupyter-server's ``FileContentsManager`` marks a file
``writable`` by ``os.access``, which is always true for root, and saves over a read-only file. So
``run_pack.py lab`` starts JupyterLab with this contents manager (``--ServerApp.contents_manager_class``),
which, for every path under :attr:`ReadOnlyCopies.read_only_dir`, reports ``writable: false``
(JupyterLab then opens the notebook read-only) and refuses, with HTTP 403, to save, rename, delete
or restore a checkpoint over it, whoever runs the server. Imported only by the JupyterLab process.
"""

from __future__ import annotations

from jupyter_server.services.contents.filemanager import FileContentsManager
from tornado import web
from traitlets import Unicode

REFUSAL = "a read-only copy of an evidence pack: save a copy elsewhere (File > Save Notebook As...)"


class ReadOnlyCopies(FileContentsManager):
    """:class:`FileContentsManager`, but nothing under :attr:`read_only_dir` can be written."""

    read_only_dir = Unicode(
        "build/lab", config=True, help="Folder (relative to the server's root) whose files are never written."
    )

    def is_read_only(self, path: str) -> bool:
        """True for :attr:`read_only_dir` and everything under it (an API path, ``/``-separated)."""
        path, folder = path.strip("/"), self.read_only_dir.strip("/")
        return path == folder or path.startswith(folder + "/")

    def _refuse(self, *paths: str) -> None:
        if any(self.is_read_only(p) for p in paths):
            raise web.HTTPError(403, REFUSAL)

    def get(self, path: str, content: bool = True, type: str | None = None, format: str | None = None, **kwargs):  # noqa: A002, ANN201
        """The model of ``path``, ``writable`` false under the read-only folder (its listing's too)."""
        model = super().get(path, content=content, type=type, format=format, **kwargs)
        if self.is_read_only(path):
            model["writable"] = False
        if model.get("type") == "directory" and isinstance(model.get("content"), list):
            for child in model["content"]:
                if self.is_read_only(child["path"]):
                    child["writable"] = False
        return model

    def save(self, model: dict, path: str = "") -> dict:
        """Refused (403) under the read-only folder."""
        self._refuse(path)
        return super().save(model, path)

    def delete_file(self, path: str) -> None:
        """Refused (403) under the read-only folder."""
        self._refuse(path)
        super().delete_file(path)

    def rename_file(self, old_path: str, new_path: str) -> None:
        """Refused (403) from or into the read-only folder."""
        self._refuse(old_path, new_path)
        super().rename_file(old_path, new_path)

    def restore_checkpoint(self, checkpoint_id: str, path: str) -> None:
        """Refused (403) under the read-only folder (a checkpoint would be written over the copy)."""
        self._refuse(path)
        super().restore_checkpoint(checkpoint_id, path)
