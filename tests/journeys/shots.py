"""Screenshots of a journey's pages at phone and desktop width, in normal and large type (looked at by people;
the tests check only that no page is wider than its screen)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

SHOT_DIR = Path(os.environ.get("ONEWINDOW_SHOT_DIR", "/tmp/onewindow-shots"))
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


def shoot(page: Any, name: str) -> list[str]:
    """Screenshot the current page in each size and type; returns the views that scroll sideways."""
    SHOT_DIR.mkdir(parents=True, exist_ok=True)
    wide = []
    for size, (w, h) in SIZES.items():
        page.set_viewport_size({"width": w, "height": h})
        for large in (False, True):
            page.evaluate("(on) => document.documentElement.classList.toggle('large-type', on)", large)
            suffix = f"{size}{'-large' if large else ''}"
            page.screenshot(path=str(SHOT_DIR / f"{name}-{suffix}.png"), full_page=True)
            if page.evaluate("document.documentElement.scrollWidth") > w + 1:
                wide.append(suffix)
    page.evaluate("() => document.documentElement.classList.remove('large-type')")
    page.set_viewport_size({"width": 1280, "height": 900})
    return wide
