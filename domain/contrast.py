"""WCAG 2.x contrast between two sRGB colours, to check that every row state of the console reads.

An acknowledged emergency was black on dark maroon and a due-soon row pale yellow on white: both
fail. AA asks for 4.5:1 for normal text (https://www.w3.org/TR/WCAG21/#contrast-minimum).
"""

from __future__ import annotations

import re

AA_NORMAL_TEXT = 4.5
_RGB = re.compile(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:[,\s/]+([\d.]+%?))?\s*\)")


def parse_colour(text: str) -> tuple[float, float, float, float]:
    """(r, g, b, alpha) of a CSS colour as a browser computes it (`rgb(...)`/`rgba(...)`) or `#rrggbb`."""
    text = text.strip().lower()
    if text.startswith("#") and len(text) in (4, 7):
        digits = text[1:] if len(text) == 7 else "".join(c * 2 for c in text[1:])
        return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16), 1.0)
    if text == "transparent":
        return (0, 0, 0, 0.0)
    match = _RGB.fullmatch(text)
    if match is None:
        raise ValueError(f"not a colour: {text!r}")
    r, g, b, a = match.groups()
    alpha = 1.0 if a is None else (float(a[:-1]) / 100 if a.endswith("%") else float(a))
    return (float(r), float(g), float(b), alpha)


def over(top: tuple[float, float, float, float], below: tuple[float, float, float]) -> tuple[float, float, float]:
    """The colour seen when a (semi-transparent) colour lies over an opaque one."""
    r, g, b, a = top
    return (r * a + below[0] * (1 - a), g * a + below[1] * (1 - a), b * a + below[2] * (1 - a))


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(fg: tuple[float, float, float], bg: tuple[float, float, float]) -> float:
    """1.0 (same colour) to 21.0 (black on white)."""
    lighter, darker = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
