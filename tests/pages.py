"""Helpers for the tests that open packs in Debian's chromium through Playwright: launching it (never
a downloaded browser), axe-core from the project's own npm install, printing to PDF."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pack.config import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _missing(what: str, how: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed: CI must run these tests ({how})")
    pytest.skip(f"{what} is not installed ({how} installs it); these tests are skipped")


def need_chromium() -> None:
    """Skip (fail in CI) without Debian's chromium."""
    if not CHROMIUM.exists():
        _missing("Debian chromium", "make browser")


def need_axe() -> None:
    """Skip (fail in CI) without axe-core from ``npm ci``."""
    if not AXE.is_file():
        _missing("axe-core", "make axe")


def browser_session(axe: bool = False):  # noqa: ANN201 (Playwright's types)
    """Debian's chromium for one test module (skipped, or failed in CI, without it; with ``axe``, also
    without axe-core). Playwright runs an event loop in this thread, so a module's packs are built before."""
    need_chromium()
    if axe:
        need_axe()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


def launch(playwright):  # noqa: ANN001, ANN201 (Playwright's types)
    """Debian's chromium, headless."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)


def open_page(browser, path: Path, viewport: dict | None = None):  # noqa: ANN001, ANN201
    """A new page on ``path`` (a file), loaded, with its console errors collected in ``page.errors``."""
    page = browser.new_page(viewport=viewport or DESKTOP)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    page.errors = errors
    return page


def axe_violations(page) -> list[dict]:  # noqa: ANN001
    """Every rule axe-core finds broken on the page as it is now, all rules run."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def serious(violations: list[dict]) -> list[str]:
    """The serious and critical violations, one line each with where the first three are."""
    return [
        f"{v['impact']} {v['id']}: {v['help']} at " + "; ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let inside = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const overflow = getComputedStyle(p).overflowX;
      if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') { inside = true; break; }
    }
    if (!inside) out.push(el.tagName.toLowerCase() + '.' + el.className + ': ' + (el.textContent || '').slice(0, 60));
  }
  return out;
}"""
