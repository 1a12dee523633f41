"""The demonstration data are marked as such, and tied to the generator that wrote them."""

import pytest

from pack.config import DEMO_DATA_DIR
from pack.data.demo import generator_fingerprint
from pack.data.stage import DEMO_MARKER


@pytest.mark.slow
def test_demo_marker_names_current_generator(demo_pack):
    marker = (DEMO_DATA_DIR / DEMO_MARKER).read_text(encoding="utf-8")
    assert "not official statistics" in marker
    assert f"generator: {generator_fingerprint()}" in marker


def test_fingerprint_changes_with_published_inputs(tmp_path, monkeypatch):
    import shutil

    import pack.data.demo as demo

    copy = tmp_path / "published"
    shutil.copytree(demo.PUBLISHED_DIR, copy)
    monkeypatch.setattr(demo, "PUBLISHED_DIR", copy)
    before = demo.generator_fingerprint()
    (copy / "demo_targets.csv").write_text((copy / "demo_targets.csv").read_text() + "\n", encoding="utf-8")
    assert demo.generator_fingerprint() != before
